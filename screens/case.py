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

from models.history import HistoryEntry, history
from models.validation import closure_reason_words
from policies.anchors import counted_plan_start
from policies.census_codes import census_facts
from policies.dates import format_date
from policies.packs.types import NO_VISIT_FREQUENCY
from policies.packs.types import visit_frequency_missing as visit_every_missing
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
    no_frequency_cell,
    yes_no,
)
from screens.context import CaseloadAccess, cin, follow_app, leave_app
from screens.forms.case_form import EditCaseForm, edit_values
from screens.forms.close import CloseCaseForm
from screens.forms.correct import (
    CorrectMeetingForm,
    CorrectNoteForm,
    CorrectVisitForm,
    RecordPicker,
    WithdrawForm,
)
from screens.forms.meeting import (
    BookMeetingForm,
    CancelMeetingForm,
    CirculatedForm,
    MeetingHeldForm,
    kind_label,
)
from screens.forms.reopen import ReopenForm
from screens.forms.task_done import TaskDoneForm
from screens.forms.visit import VisitForm, child_of
from screens.text import describe_error, shown, user_text
from screens.widgets.footer import CinFooter

STEP_DOWN_WORDS = {
    "cp_plan": "a child protection plan",
    "care": "care (looked after)",
    "supervision_order": "a supervision order",
    "cp_conference": "a child protection conference (no plan)",
}
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
            ("Visits", _frequency_words(summary.visit_every, policy)),
            ("Allocated", format_date(summary.allocated)),
            ("Assessment", _date_or(detail.assessment_completed, "not completed")),
            ("Plan started", _plan_start_words(detail)),
            ("Step-down", _step_down_words(detail)),
            ("Complex plan", yes_no(detail.facts.complex_plan)),
            ("Key worker led", yes_no(detail.facts.key_worker_led)),
            *census_facts(detail.census),  # only the census fields recorded, in words
        ]
        if detail.closure is not None:
            facts.append(
                ("Closed", f"{format_date(detail.closure.date)}: "
                           f"{closure_reason_words(detail.closure.reason, policy)}"))
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
        blocks: list[Any] = []
        service = cin(self).service
        policy = service.policy(row.summary.policy_id) if service else None
        if visit_every_missing(policy, row.summary.visit_every):
            missing = Table.grid(padding=(0, 2))
            missing.add_column(width=COUNTDOWN_WIDTH, no_wrap=True)
            missing.add_column(ratio=1)
            missing.add_row(no_frequency_cell(), Text.assemble(
                ("Visits: ", "bold"), NO_VISIT_FREQUENCY,
                (" (Edit case sets it). This authority's procedure leaves the visiting "
                 "frequency to each case, so no visit deadline can be worked out until one is "
                 "set.", "not bold")))
            blocks.append(missing)
        if not row.deadlines:
            blocks.append(
                Text("· Nothing else due under this authority's procedure.", style="dim")
                if blocks else Text("· Nothing due under this authority's procedure.",
                                    style="dim"))
            return Group(*blocks) if len(blocks) > 1 else blocks[0]
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
        service = cin(self).service
        policy = service.policy(self.case_detail.summary.policy_id) if service else None
        entries = history(self.case_detail, meeting_label=kind_label,
                          missed=self.case_row.missed,
                          rule_label=lambda rule_id: _rule_label(policy, rule_id))
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
        for entry in entries:
            words = user_text(mask_names(entry.words, names, privacy), multiline=True)
            if entry.withdrawn is not None:
                # Struck through, and said in words too (a monochrome terminal may not strike).
                words.stylize("strike dim")
                words.append("\n")
                words.append_text(user_text(mask_names(entry.withdrawn, names, privacy),
                                            "bold", multiline=True))
            table.add_row(format_date(entry.when), user_text(entry.what), words)
        return table

    # ----- forms ------------------------------------------------------------------------

    def _open(self, form: Any) -> None:
        # The form saves against the case as shown here (a change by someone else since is
        # refused, and said, by the form: screens/forms/base.py).
        form.expected_version = self.case_detail.version
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
            self.app.notify(f"This case was closed on {closed}; nothing more can be recorded "
                            "unless it is reopened (o).", severity="warning")
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

    def action_edit_case(self) -> None:
        if self.case_detail is None:
            self.app.notify("The case is still loading.", severity="warning")
            return
        if cin(self).privacy:
            self.app.notify("Privacy mode is on: switch it off (p) to edit the case's details, "
                            "which show the child's name.", severity="warning")
            return
        summary, service = self.case_detail.summary, cin(self).service
        policy = service.policy(summary.policy_id) if service else None
        self._open(EditCaseForm(ref=summary.ref, today=cin(self).today,
                                values=edit_values(self.case_detail),
                                authority=getattr(policy, "name", None) or summary.policy_id))

    # ----- corrections: pick a record from the history, then correct or withdraw it --------

    def _names(self) -> list[str]:
        return [self.case_detail.summary.name, *(s.name for s in self.sibling_cases)]

    def _pick(self, title: str, then: Any) -> None:
        if self.case_detail is None:
            self.app.notify("The case is still loading.", severity="warning")
            return
        entries = [e for e in history(self.case_detail, meeting_label=kind_label)
                   if e.record_type is not None and e.uid and e.withdrawn is None]
        if not entries:
            self.app.notify("No visit, meeting or note is recorded on this case yet.",
                            severity="warning")
            return
        self.app.push_screen(
            RecordPicker(entries, title=title, names=self._names(), privacy=cin(self).privacy),
            lambda entry: then(entry) if entry is not None else None)

    def action_correct_record(self) -> None:
        self._pick("Correct which record?", self._correct)

    def _correct(self, entry: HistoryEntry) -> None:
        detail, privacy = self.case_detail, cin(self).privacy
        summary = detail.summary
        if entry.record_type == "visit":
            visit = next(v for v in detail.visits if v.uid == entry.uid)
            self._open(CorrectVisitForm(child_of(detail), visit, today=cin(self).today,
                                        privacy=privacy))
        elif entry.record_type == "meeting":
            meeting = next(m for m in detail.meetings if m.uid == entry.uid)
            self._open(CorrectMeetingForm(ref=summary.ref, name=summary.name, meeting=meeting,
                                          today=cin(self).today, privacy=privacy))
        else:
            note = next(n for n in detail.oversight_notes if n.uid == entry.uid)
            self._open(CorrectNoteForm(ref=summary.ref, name=summary.name, note=note,
                                       privacy=privacy))

    def action_withdraw_record(self) -> None:
        self._pick("Withdraw which record?", self._withdraw)

    def _withdraw(self, entry: HistoryEntry) -> None:
        summary = self.case_detail.summary
        self._open(WithdrawForm(ref=summary.ref, name=summary.name, entry=entry,
                                names=self._names(), privacy=cin(self).privacy))

    def action_reopen_case(self) -> None:
        if self.case_detail is None:
            self.app.notify("The case is still loading.", severity="warning")
            return
        if self.case_detail.closure is None:
            self.app.notify("This case is open: only a closed case can be reopened.",
                            severity="warning")
            return
        summary = self.case_detail.summary
        self._open(ReopenForm(ref=summary.ref, name=summary.name,
                              closure=self.case_detail.closure, privacy=cin(self).privacy))
    def action_task_done(self) -> None:
        if not self._can():
            return
        service = cin(self).service
        policy = service.policy(self.case_detail.summary.policy_id) if service else None
        worker_tasks = {r.qualified_id for r in policy.rules if r.worker_task} if policy else set()
        tasks = [d for d in self.case_row.deadlines if d.rule_id in worker_tasks]
        if not tasks:
            self.app.notify("No task of yours is open on this case (letters, reports and "
                            "updates the procedure gives the worker).", severity="warning")
            return
        self._open(TaskDoneForm(tasks=tasks, **self._form_args()))

    def action_chronology(self) -> None:
        from screens.chronology import ChronologyScreen

        self.app.push_screen(ChronologyScreen(self.ref))

    def action_back(self) -> None:
        self.dismiss(None)


def _rule_label(policy: Any, rule_id: str) -> str:
    try:
        return str(policy.rule(rule_id).label) if policy is not None else rule_id
    except KeyError:
        return rule_id


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


def _frequency_words(visit_every: str | None, policy: Any) -> str:
    if visit_every_missing(policy, visit_every):
        return f"{NO_VISIT_FREQUENCY} (the procedure leaves it to each case)"
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
