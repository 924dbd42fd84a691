"""The open deadlines as an iCalendar (.ics) file for Outlook and other calendars, written by
`cin calendar` and by the caseload screen's calendar key (so it lives below both).

One all-day event per open deadline (models.calendar_events, the same deadlines as `cin due
--json`): the summary names the case and the kind of deadline, the description gives the rule,
its citation and how the date was worked out, and a reminder (VALARM) goes off at 09:00 UK time
on the day the deadline turns amber, `amber_working_days` working days before it. That is an
absolute time (TRIGGER;VALUE=DATE-TIME, in UTC as RFC 5545 requires), since working days are no
fixed duration. Events are marked free time (TRANSP:TRANSPARENT): a deadline is not a meeting.

Every piece of text is made safe first (policies.safe_text: no control character, a line break
in a name shown as "␊"); the icalendar library then does the iCalendar escaping and line
folding. With `privacy`, the child's name is shown as initials (screens.cells.display_name) and
masked in the description. The file holds children's personal data: written readable by its
owner only (0600), whole or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from models.calendar_events import CalendarEvent
from policies.dates import format_date
from policies.safe_text import safe_text
from screens.cells import display_name, mask_names

ICS_SUFFIX = ".ics"
REMINDER_TIME = time(9, 0)  # UK time on the reminder day
UK = ZoneInfo("Europe/London")
PRODUCT_ID = "-//cin-tui//Child in Need deadlines//EN"
KIND_WORDS = {
    "visit": "visit", "visit_recording": "visit recording", "meeting": "meeting",
    "preparation": "meeting preparation", "circulation": "circulation", "review": "review",
    "assessment": "assessment", "oversight": "oversight",
}


class CalendarFileError(ValueError):
    """The calendar cannot be written as asked; the message says what to do instead."""


def reminder_time(day: date) -> datetime:
    """09:00 UK time (GMT or BST, as that day has) on `day`, in UTC."""
    return datetime.combine(day, REMINDER_TIME, tzinfo=UK).astimezone(UTC)


def kind_words(kind: str) -> str:
    return KIND_WORDS.get(kind, kind.replace("_", " "))


def event_summary(event: CalendarEvent, privacy: bool) -> str:
    """"CIN-0104 circulation: Modified plan and review record circulated (Jasper Thistlewood)"."""
    name = display_name(event.summary.name, privacy)
    return safe_text(f"{event.ref} {kind_words(event.deadline.kind)}: {event.deadline.label} "
                     f"({name})")


def event_description(event: CalendarEvent, privacy: bool) -> str:
    deadline = event.deadline
    names = (event.summary.name,)

    def shown(text: str) -> str:
        return safe_text(mask_names(text, names, privacy))

    lines = [
        f"Child: {display_name(event.summary.name, privacy)} ({safe_text(event.ref)})",
        f"Worker: {safe_text(event.summary.worker or 'not allocated')}",
        f"Due: {format_date(deadline.due)}",
        f"Rule: {safe_text(deadline.rule_id)}: {shown(deadline.label)}",
        f"Source: {shown(str(deadline.citation))}",
        f"Why this date: {shown(deadline.basis)}",
        *(f"Note: {shown(note)}" for note in deadline.notes),
        f"Reminder: {format_date(event.reminder)}, when it turns due soon.",
        "Written by cin; export again to update these events (`cin explain "
        f"{safe_text(event.ref)}` shows the working).",
    ]
    return "\n".join(lines)


def calendar_bytes(events: Sequence[CalendarEvent], *, stamp: datetime,
                   privacy: bool = False) -> bytes:
    """The .ics file's content. `stamp` (aware) is when it was written: each event's DTSTAMP."""
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "cin deadlines")
    stamp = stamp.astimezone(UTC)
    for event in events:
        entry = Event()
        entry.add("uid", event.uid)
        entry.add("dtstamp", stamp)
        entry.add("dtstart", event.due)
        entry.add("dtend", event.due + timedelta(days=1))
        entry.add("summary", event_summary(event, privacy))
        entry.add("description", event_description(event, privacy))
        entry.add("categories", [kind_words(event.deadline.kind)])
        entry.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Due soon: {event_summary(event, privacy)}, due "
                                 f"{format_date(event.due)}")
        alarm.add("trigger", reminder_time(event.reminder), parameters={"VALUE": "DATE-TIME"})
        entry.add_component(alarm)
        calendar.add_component(entry)
    return bytes(calendar.to_ical())


def default_calendar_path(folder: Path, worker: str | None) -> Path:
    """`<folder>/cin-deadlines.ics`, or `cin-deadlines-robin-quill.ics` for one worker: the
    same name each time, so a calendar that subscribes to the file sees it updated."""
    if worker is None:
        return folder / f"cin-deadlines{ICS_SUFFIX}"
    slug = re.sub(r"[^a-z0-9]+", "-", worker.lower()).strip("-") or "worker"
    return folder / f"cin-deadlines-{slug}{ICS_SUFFIX}"


def write_calendar(path: Path, events: Sequence[CalendarEvent], *, stamp: datetime,
                   privacy: bool = False) -> Path:
    """Write the .ics file to `path` (0600, replaced whole); returns the path written."""
    from models.private_files import write_private_file

    path = Path(path)
    if path.suffix.lower() != ICS_SUFFIX:
        raise CalendarFileError(f"{path}: a calendar file's name ends .ics (this one ends "
                                f"{path.suffix or 'with no extension'})")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CalendarFileError(f"{path}: the folder {folder} does not exist; create it or "
                                "choose another place for the calendar")
    try:
        write_private_file(path, calendar_bytes(events, stamp=stamp, privacy=privacy))
    except OSError as error:
        raise CalendarFileError(f"{path}: cannot write the calendar "
                                f"({error.strerror or error})") from None
    return path
