"""A row of radio buttons with a value, where the first letter of an option picks it.

Unlike a checkbox it can be left unanswered (`value is None`), so a form can insist on an
answer ("was the child seen alone?") instead of quietly recording "no".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import events
from textual.widgets import RadioButton, RadioSet

from screens.widgets.toggles import Radio


class Choice(RadioSet):
    DEFAULT_CSS = """
    Choice { layout: horizontal; width: auto; height: auto; }
    Choice > RadioButton { width: auto; margin-right: 2; }
    /* Unfocused, the keyboard cursor must not look like an answer. */
    Choice:blur > RadioButton.-selected > .toggle--label { background: transparent; }
    """

    def __init__(self, options: Sequence[tuple[Any, str]], *, value: Any = None,
                 id: str | None = None) -> None:
        self._values = [option for option, _ in options]
        buttons = [Radio(label, value=(option == value) and value is not None)
                   for option, label in options]
        super().__init__(*buttons, id=id, compact=True)

    @property
    def value(self) -> Any | None:
        index = self.pressed_index
        return self._values[index] if index >= 0 else None

    def choose(self, value: Any) -> None:
        buttons = list(self.query(RadioButton))
        buttons[self._values.index(value)].value = True

    def on_key(self, event: events.Key) -> None:
        letter = (event.character or "").lower()
        if not letter.isalpha():
            return
        buttons = list(self.query(RadioButton))
        for index, button in enumerate(buttons):
            if str(button.label).lower().startswith(letter):
                button.value = True
                self._selected = index
                event.stop()
                event.prevent_default()
                return
