"""User text on screen: always a `rich.text.Text` (never parsed as markup) holding
`policies.safe_text` output (no control character or bidi override reaches the terminal).

Names, voices, notes, reasons, worker and team names, error messages that echo them and the
wording of policy packs all come from people or files: every screen builds what it shows of them
with `user_text` (a Text) or `shown` (a str for joining into a Text or a plain-text notification),
never with an f-string handed to a widget that reads markup.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from policies.safe_text import safe_text

__all__ = ["describe_error", "shown", "user_text"]


def shown(value: object, *, multiline: bool = False) -> str:
    """`value` as text safe for the terminal (see policies.safe_text); None reads as ""."""
    return "" if value is None else safe_text(str(value), multiline=multiline)


def user_text(value: object, style: str | Style = "", *, multiline: bool = False,
              no_wrap: bool | None = None) -> Text:
    """`value` as a Rich Text: shown as typed, never read as markup or control sequences."""
    return Text(shown(value, multiline=multiline), style=style, no_wrap=no_wrap)


def describe_error(error: BaseException) -> str:
    """A message a user can act on, never a traceback. Our own errors already say what to do."""
    text = str(error).strip()
    ours = type(error).__module__.split(".")[0] in {"models", "policies", "cin_tui"}
    if ours and text:
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
