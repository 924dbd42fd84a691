"""Check boxes and radio buttons that read without colour.

Textual draws a ticked and an unticked box with the same glyph in different colours, which is
unreadable with NO_COLOR or in a monochrome terminal; these draw an empty box when off.
"""

from __future__ import annotations

from textual.widgets import Checkbox, RadioButton

# BUTTON_INNER is a plain (writable) class attribute in Textual, which only reads it when drawing
# the button: a read-only property in its place is safe, though not a strict override.


class Tick(Checkbox):
    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "X" if self.value else " "


class Radio(RadioButton):
    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "●" if self.value else " "
