"""How a deadline, an age or a date reads in one table cell.

Every countdown carries a glyph and words as well as a colour, so it reads the same in a
monochrome terminal, with NO_COLOR, and for colour-blind users:

    ✖ 3 wd late   overdue     (red)
    ▲ 2 wd        due soon    (amber)
    ▲ today       due today   (amber)
    ✔ 12 wd       in time     (green)
    · —           nothing due (dim)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from rich.text import Text

from policies.ages import age_in_months
from policies.deadlines import Deadline
from policies.safe_text import safe_text

UNIT_ABBREVIATIONS = {"working_days": "wd", "days": "d", "weeks": "w", "months": "mo"}
UNIT_WORDS = {
    "working_days": ("working day", "working days"),
    "days": ("day", "days"),
    "weeks": ("week", "weeks"),
    "months": ("month", "months"),
}

GLYPHS = {"overdue": "✖", "due_soon": "▲", "ok": "✔", None: "·"}
STATUS_WORDS = {"overdue": "overdue", "due_soon": "due soon", "ok": "in time", None: "nothing due"}
# Chosen to read on both the dark and the light themes; NO_COLOR turns them to greys and the
# glyph and words carry the meaning.
COLOUR_STATUS_STYLES = {
    "overdue": "bold #ff5f5f",
    "due_soon": "bold #ffaf00",
    "ok": "#5fd75f",
    None: "dim",
}
# With NO_COLOR or a terminal of few colours, red turns to a darker grey than amber and overdue
# would be the least visible cell: there it is reversed (a solid block), the most visible.
FEW_COLOURS_STATUS_STYLES = {
    "overdue": "bold reverse",
    "due_soon": "bold",
    "ok": "",
    None: "dim",
}
# The styles in use: the one dict every screen reads, set by `use_few_colours` at start.
STATUS_STYLES: dict[str | None, str] = dict(COLOUR_STATUS_STYLES)
STATUS_RANK = {"overdue": 0, "due_soon": 1, "ok": 2}
# TERM values of terminals that show 16 colours or fewer (without COLORTERM=truecolor).
_FEW_COLOUR_TERMS = ("xterm", "vt100", "vt220", "linux", "screen", "tmux", "ansi", "dumb", "")


def few_colours(no_color: bool, environ: Mapping[str, str]) -> bool:
    """NO_COLOR, or a terminal that says it has 16 colours or fewer: TERM=xterm, linux, vt100
    and the like, or a TERM ending -16color / -8color, unless COLORTERM says truecolor."""
    if no_color:
        return True
    if environ.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return False
    term = environ.get("TERM", "").strip().lower()
    return term in _FEW_COLOUR_TERMS or term.endswith(("-16color", "-8color", "-color"))


def use_few_colours(few: bool) -> None:
    """Set the status styles for this terminal (in place: every screen reads STATUS_STYLES)."""
    STATUS_STYLES.clear()
    STATUS_STYLES.update(FEW_COLOURS_STATUS_STYLES if few else COLOUR_STATUS_STYLES)

NOTHING_DUE = "· —"
# The Visit cell of a case whose pack leaves the visiting frequency to each case and that has
# none recorded (policies.packs.NO_VISIT_FREQUENCY in full on the case screen): never "· —",
# which would read as "no visit due".
NO_FREQUENCY_MARK = "? set freq"
# The widest countdown a cell must hold, e.g. "✖ 999 wd late".
COUNTDOWN_WIDTH = 13


def countdown_text(deadline: Deadline | None) -> str:
    """The plain words of a countdown cell, glyph first."""
    if deadline is None:
        return NOTHING_DUE
    glyph = GLYPHS.get(deadline.status, "?")
    unit = UNIT_ABBREVIATIONS.get(deadline.unit, deadline.unit)
    if deadline.countdown < 0:
        return f"{glyph} {-deadline.countdown} {unit} late"
    if deadline.countdown == 0:
        return f"{glyph} today"
    return f"{glyph} {deadline.countdown} {unit}"


def countdown_cell(deadline: Deadline | None) -> Text:
    """The countdown as styled text for a table cell."""
    status = deadline.status if deadline is not None else None
    return Text(countdown_text(deadline), style=STATUS_STYLES.get(status, ""), no_wrap=True)


def no_frequency_cell() -> Text:
    """The Visit cell of a case that needs a visiting frequency and has none."""
    return Text(NO_FREQUENCY_MARK, style=STATUS_STYLES["due_soon"], no_wrap=True)


def other_items_cell(status: str | None, count: int) -> Text:
    """The "Other" column: how many deadlines without a column of their own share the worst
    status, e.g. "✖ 2" (two overdue). Their details are on the case screen."""
    if status is None:
        return Text(NOTHING_DUE, style=STATUS_STYLES[None], no_wrap=True)
    return Text(f"{GLYPHS.get(status, '?')} {count}", style=STATUS_STYLES.get(status, ""),
                no_wrap=True)


def countdown_words(deadline: Deadline) -> str:
    """The countdown in full words, for the case screen: "3 working days late"."""
    singular, plural = UNIT_WORDS.get(deadline.unit, (deadline.unit, deadline.unit))
    count = abs(deadline.countdown)
    unit = singular if count == 1 else plural
    if deadline.countdown < 0:
        return f"{count} {unit} late"
    if deadline.countdown == 0:
        return "due today"
    return f"{count} {unit} left"


def urgency_key(deadline: Deadline) -> tuple[int, date]:
    """Sort key: overdue before due soon before in time, then the earlier due date first."""
    return (STATUS_RANK.get(deadline.status, 3), deadline.due)


def most_urgent(deadlines) -> Deadline | None:
    return min(deadlines, key=urgency_key, default=None)


def age_text(dob: date | None, today: date) -> str:
    """Age for the caseload: whole years from 2 up ("7 y"), months below that ("18 mo"), as
    `policies.ages` counts them."""
    if dob is None:
        return "—"
    if dob > today:
        return "unborn"
    months = age_in_months(dob, today)
    if months < 24:
        return f"{months} mo"
    return f"{months // 12} y"


def yes_no(value: bool | None) -> str:
    if value is None:
        return "not recorded"
    return "yes" if value else "no"


def display_name(name: str, privacy: bool) -> str:
    """The child's name, or only initials in privacy mode ("Amira Hassan" -> "A. H."), safe
    for the terminal (policies.safe_text: a control character is shown, never sent)."""
    if not privacy:
        return safe_text(name)
    initials = [part[0].upper() + "." for part in name.replace("-", " ").split() if part]
    return safe_text(" ".join(initials)) or "—"


def mask_names(text: str, names: Iterable[str], privacy: bool) -> str:
    """In privacy mode, each part of these children's names written in `text` becomes its
    initial ("Poppy said Pip" -> "P. said P."), so recorded words do not give a name away.
    Names are matched as written (capitalised), so "kit" in "a PE kit" stays."""
    if not privacy or not text:
        return text
    parts = {p for name in names for p in re.split(r"[\s\-]+", name) if len(p) > 1}
    for part in sorted(parts, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(part)}\b\.?", part[0].upper() + ".", text)
    return text
