"""Check boxes and radio buttons that read without colour.

Textual draws a ticked and an unticked box with the same glyph in different colours, which is
unreadable with NO_COLOR or in a monochrome terminal; these draw an empty box when off.
"""

from __future__ import annotations

from textual.widgets import Checkbox, RadioButton


class Tick(Checkbox):
    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 - Textual reads this class attribute name
        return "X" if self.value else " "


class Radio(RadioButton):
    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802
        return "●" if self.value else " "
