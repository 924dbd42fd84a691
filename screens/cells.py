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
from collections.abc import Iterable
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
STATUS_STYLES = {
    "overdue": "bold #ff5f5f",
    "due_soon": "bold #ffaf00",
    "ok": "#5fd75f",
    None: "dim",
}
STATUS_RANK = {"overdue": 0, "due_soon": 1, "ok": 2}

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
