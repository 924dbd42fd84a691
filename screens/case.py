"""One case: its facts, every deadline with the reason for it, and a timeline of what happened."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from policies.anchors import counted_plan_start
from policies.dates import format_date
from screens import keys
from screens.cells import (
    COUNTDOWN_WIDTH,
    STATUS_STYLES,
    STATUS_WORDS,
    age_text,
    countdown_cell,
    countdown_words,
    display_name,
    mask_names,
    yes_no,
)
from screens.context import CaseloadAccess, cin, follow_app, leave_app
from screens.forms.close import CloseCaseForm
from screens.forms.meeting import (
    BookMeetingForm,
    CancelMeetingForm,
    CirculatedForm,
    MeetingHeldForm,
    kind_label,
)
from screens.forms.visit import VisitForm, child_of
from screens.text import describe_error, shown, user_text
from screens.widgets.footer import CinFooter

STEP_DOWN_WORDS = {
    "cp_plan": "a child protection plan",
    "care": "care (looked after)",
    "supervision_order": "a supervision order",
    "cp_conference": "a child protection conference (no plan)",
}
LOCATION_WORDS = {"home": "at home", "school": "at school", "other": "elsewhere"}
FREQUENCY_UNITS = {"wd": "working days", "d": "days", "w": "weeks", "m": "months"}


class CaseScreen(Screen[None]):
    BINDINGS = keys.bindings(*keys.CASE_COMMANDS)

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.case_detail: Any = None
        self.case_row: Any = None
        self.sibling_cases: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="case-body"):
            yield Static("Loading…", id="case-facts", classes="case-facts")
            yield Static("Deadlines", classes="section-title")
            yield Static("", id="case-deadlines", classes="case-deadlines")
            yield Static("Timeline (newest first)", classes="section-title")
            yield Static("", id="case-timeline", classes="case-timeline")
        yield CinFooter()

    def on_mount(self) -> None:
        self.title = f"cin · case {self.ref}"
        self.sub_title = format_date(cin(self).today)
        self.query_one("#case-body").focus()
        follow_app(self, data=lambda _version: self.reload(), privacy=self._privacy_changed)
        self.reload()

    def on_unmount(self) -> None:
        leave_app(self)

    # ----- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        service = cin(self).service
        if service is not None:
            self._load(service)

    @work(thread=True, exclusive=True, group="case", exit_on_error=False)
    def _load(self, service: CaseloadAccess) -> None:
        try:
            detail, row = service.case(self.ref)
            siblings = service.siblings(self.ref)
        except Exception as error:  # shown to the user, never a traceback
            self.app.call_from_thread(self._failed, describe_error(error))
            return
        self.app.call_from_thread(self._loaded, detail, row, siblings)

    def _failed(self, message: str) -> None:
        self.query_one("#case-facts", Static).update(
            user_text(f"Could not read case {self.ref}: {message}", STATUS_STYLES["overdue"]))

    def _loaded(self, detail: Any, row: Any, siblings: list[Any]) -> None:
        self.case_detail, self.case_row, self.sibling_cases = detail, row, siblings
        self._draw()

    def _privacy_changed(self, _on: bool) -> None:
        if self.case_detail is not None:
            self._draw()

    def _draw(self) -> None:
        name = display_name(self.case_detail.summary.name, cin(self).privacy)
        self.title = f"cin · {name} ({self.ref})"
        self.query_one("#case-facts", Static).update(self._facts())
        self.query_one("#case-deadlines", Static).update(self._deadlines())
        self.query_one("#case-timeline", Static).update(self._timeline())

    # ----- facts ------------------------------------------------------------------------

    def _facts(self) -> Table:
        detail, summary, today = self.case_detail, self.case_detail.summary, cin(self).today
        privacy = cin(self).privacy
        service = cin(self).service
        policy = service.policy(summary.policy_id) if service else None
        facts = [
            ("Ref", summary.ref),
            ("Name", display_name(summary.name, privacy)),
            ("Age", _age_and_dob(summary.dob, today, privacy)),
            ("Worker", summary.worker or "not allocated to a named worker"),
            ("Team", summary.team or "—"),
            ("Authority", getattr(policy, "name", None) or summary.policy_id),
            ("Family", self._family_words()),
            ("Disabled", yes_no(summary.disabled)),
            ("Private fostering", yes_no(summary.private_fostering)),
            ("Visits", _frequency_words(summary.visit_every)),
            ("Allocated", format_date(summary.allocated)),
            ("Assessment", _date_or(detail.assessment_completed, "not completed")),
            ("Plan started", _plan_start_words(detail)),
            ("Step-down", _step_down_words(detail)),
        ]
        if detail.closure is not None:
            facts.append(
                ("Closed", f"{format_date(detail.closure.date)} ({detail.closure.reason})"))
        table = Table.grid(padding=(0, 2), expand=True)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1)
        # Two columns; an odd fact out gets an empty right-hand cell (zip drops it otherwise).
        for left, right in zip(facts[0::2], [*facts[1::2], ("", "")], strict=False):
            # Text, not str: a name or a pack's wording is never read as markup.
            table.add_row(left[0], user_text(left[1]), right[0], user_text(right[1]))
        return table

    def _family_words(self) -> str:
        family = self.case_detail.summary.family
        if not family:
            return "no sibling group recorded"
        # The group's key is often the family's surname: in privacy mode only its initials.
        family = display_name(family, cin(self).privacy)
        if not self.sibling_cases:
            return f"{family}: no other open cases"
        names = ", ".join(f"{display_name(s.name, cin(self).privacy)} ({s.ref})"
                          for s in self.sibling_cases)
        return f"{family}: {names}"

    # ----- deadlines --------------------------------------------------------------------

    def _deadlines(self) -> Group | Text:
        row = self.case_row
        if row.error:
            return user_text(f"⚠ {row.error}", STATUS_STYLES["overdue"])
        if row.summary.closed:
            return Text("· None: the case is closed.", style="dim")
        if not row.deadlines:
            return Text("· Nothing due under this authority's procedure.", style="dim")
        blocks = []
        for deadline in row.deadlines:
            # Two grids sharing the first column's width, so wrapped lines hang under the text.
            heading = Table.grid(padding=(0, 2))
            heading.add_column(width=COUNTDOWN_WIDTH, no_wrap=True)
            heading.add_column(ratio=1)
            what = user_text(deadline.label, "bold")
            what.append(f"  due {format_date(deadline.due)} · "
                        f"{STATUS_WORDS.get(deadline.status, deadline.status)} · "
                        f"{countdown_words(deadline)}", style="not bold")
            heading.add_row(countdown_cell(deadline), what)
            details = Table.grid(padding=(0, 1))
            details.add_column(width=COUNTDOWN_WIDTH + 1)
            details.add_column(style="bold", no_wrap=True)
            details.add_column(ratio=1)
            details.add_row("", "Why", user_text(deadline.basis, multiline=True))
            details.add_row("", "Rule",
                            user_text(f"{deadline.rule_id}: {deadline.citation}", "dim"))
            for note in deadline.notes:
                details.add_row("", "Note", user_text(note, "italic", multiline=True))
            blocks.append(Group(heading, details))
        return Group(*blocks)

    # ----- timeline ---------------------------------------------------------------------

    def _timeline(self) -> Text | Table:
        entries: list[tuple[date, int, str, str]] = []
        for visit in self.case_detail.visits:
            entries.append((visit.date, 0, "Visit", _visit_words(visit)))
        for meeting in self.case_detail.meetings:
            entries.append((meeting.date, 1, kind_label(meeting.kind), _meeting_words(meeting)))
        closure = self.case_detail.closure
        if closure is not None:
            entries.append((closure.date, 2, "Closed", _closure_words(closure)))
        if not entries:
            return Text("· Nothing recorded yet.", style="dim")
        # In privacy mode the family's names in recorded words become initials, as in the
        # walkthrough and the supervision record.
        privacy = cin(self).privacy
        names = [self.case_detail.summary.name, *(s.name for s in self.sibling_cases)]
        table = Table.grid(padding=(0, 2), expand=True)
        table.add_column(no_wrap=True)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1)
        for when, _, what, words in sorted(entries, key=lambda e: (e[0], e[1]), reverse=True):
            table.add_row(format_date(when), user_text(what),
                          user_text(mask_names(words, names, privacy), multiline=True))
        return table

    # ----- forms ------------------------------------------------------------------------

    def _open(self, form: Any) -> None:
        def done(message: str | None) -> None:
            if message:
                self.app.notify(shown(message, multiline=True), markup=False)
                cin(self).data_changed()

        self.app.push_screen(form, done)

    def _form_args(self) -> dict[str, Any]:
        summary = self.case_detail.summary
        return {"ref": summary.ref, "name": summary.name, "today": cin(self).today,
                "privacy": cin(self).privacy}

    def _meetings(self, status: str) -> list[Any]:
        return [m for m in self.case_detail.meetings if m.status == status]

    def _can(self, needs: str = "") -> bool:
        """Whether a form can open now; if not, say why instead of doing nothing."""
        if self.case_detail is None:
            self.app.notify("The case is still loading.", severity="warning")
            return False
        if self.case_detail.closure is not None:
            closed = format_date(self.case_detail.closure.date)
            self.app.notify(f"This case was closed on {closed}; nothing more can be recorded.",
                            severity="warning")
            return False
        if needs == "booked" and not self._meetings("booked"):
            self.app.notify("No booked meeting: book one first (b).", severity="warning")
            return False
        if needs == "uncirculated" and not any(m.circulated is None
                                               for m in self._meetings("held")):
            self.app.notify("No held meeting is waiting for its notes to be circulated.",
                            severity="warning")
            return False
        return True

    def action_log_visit(self) -> None:
        if not self._can():
            return
        others = [child_of(s) for s in self.sibling_cases if not s.closed]
        self._open(VisitForm(child_of(self.case_detail), others, today=cin(self).today,
                             privacy=cin(self).privacy))

    def action_book_meeting(self) -> None:
        if not self._can():
            return
        self._open(BookMeetingForm(**self._form_args()))

    def action_meeting_held(self) -> None:
        if not self._can("booked"):
            return
        summary, service = self.case_detail.summary, cin(self).service
        self._open(MeetingHeldForm(
            booked=self._meetings("booked"),
            policy=service.policy(summary.policy_id) if service else None,
            plan_started=self.case_detail.plan_started, **self._form_args()))

    def action_circulated(self) -> None:
        if not self._can("uncirculated"):
            return
        waiting = [m for m in self._meetings("held") if m.circulated is None]
        self._open(CirculatedForm(held=sorted(waiting, key=lambda m: m.date, reverse=True),
                                  **self._form_args()))

    def action_cancel_meeting(self) -> None:
        if not self._can("booked"):
            return
        self._open(CancelMeetingForm(booked=self._meetings("booked"), **self._form_args()))

    def action_close_case(self) -> None:
        if not self._can():
            return
        summary, service = self.case_detail.summary, cin(self).service
        self._open(CloseCaseForm(ref=summary.ref, name=summary.name,
                                 policy=service.policy(summary.policy_id) if service else None,
                                 today=cin(self).today, privacy=cin(self).privacy))

    def action_back(self) -> None:
        self.dismiss(None)


def _plan_start_words(detail: Any) -> str:
    found = counted_plan_start(detail.facts)
    if found is None:
        return "no plan start recorded"
    started, recorded = found
    if recorded:
        return format_date(started)
    return f"{format_date(started)} (initial meeting)"  # none recorded: `cin explain` says so


def _date_or(value: date | None, otherwise: str) -> str:
    return format_date(value) if value else otherwise


def _age_and_dob(dob: date | None, today: date, privacy: bool) -> str:
    if dob is None:
        return "date of birth not recorded"
    if privacy:
        return age_text(dob, today)
    return f"{age_text(dob, today)} (born {format_date(dob)})"


def _frequency_words(visit_every: str | None) -> str:
    if not visit_every:
        return "as the authority's procedure says"
    for suffix, words in FREQUENCY_UNITS.items():
        number = visit_every.removesuffix(suffix)
        if number != visit_every and number.isdigit():
            return f"every {number} {words} (set for this child)"
    return f"every {visit_every} (set for this child)"


def _step_down_words(detail: Any) -> str:
    if not detail.stepped_down_from:
        return "—"
    source = STEP_DOWN_WORDS.get(detail.stepped_down_from, detail.stepped_down_from)
    when = f" on {format_date(detail.stepped_down_on)}" if detail.stepped_down_on else ""
    return f"from {source}{when}"


def _visit_words(visit: Any) -> str:
    parts = [LOCATION_WORDS.get(visit.location, f"at {visit.location}") if visit.location
             else "place not recorded"]
    if not visit.seen:
        parts.append("child NOT seen")
    elif visit.seen_alone:
        parts.append("seen alone")
    elif visit.seen_alone is False:
        reason = f" ({visit.not_alone_reason})" if visit.not_alone_reason else ""
        parts.append(f"seen, not alone{reason}")
    else:
        parts.append("seen (alone not recorded)")
    if visit.childs_voice:
        parts.append(f"voice: “{visit.childs_voice}”")
    elif visit.seen:
        parts.append("child's voice not recorded")
    if visit.recorded:
        parts.append(f"recorded {format_date(visit.recorded)}")
    return " · ".join(parts)


def _meeting_words(meeting: Any) -> str:
    if meeting.status == "booked":
        return "booked"
    if meeting.status == "cancelled":
        when = f" on {format_date(meeting.cancelled_on)}" if meeting.cancelled_on else ""
        reason = f": {meeting.cancel_reason}" if meeting.cancel_reason else ""
        return f"cancelled{when}{reason}"
    parts = ["held"]
    role = meeting.chair_role.replace("_", " ") if meeting.chair_role else None
    if meeting.chair:
        parts.append(f"chair {meeting.chair}" + (f" ({role})" if role else ""))
    elif role:
        parts.append(f"chaired by {role}")
    if meeting.family_attended is not None:
        parts.append("family attended" if meeting.family_attended else "family did not attend")
    parts.append(f"circulated {format_date(meeting.circulated)}" if meeting.circulated
                 else "not circulated yet")
    return " · ".join(parts)


def _closure_words(closure: Any) -> str:
    from models.validation import CENSUS_CLOSURE_REASONS

    parts = [f"{closure.reason} {CENSUS_CLOSURE_REASONS.get(closure.reason, '')}".strip()]
    if closure.step_down_to_early_help:
        lead = f" (lead: {closure.lead_professional})" if closure.lead_professional else ""
        parts.append(f"stepped down to Early Help{lead}")
    if closure.note:
        parts.append(closure.note)
    return " · ".join(parts)
