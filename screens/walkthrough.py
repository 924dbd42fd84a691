"""The supervision walkthrough: one worker's cases, one screen each.

Each page shows what a manager checks in supervision: the plan's age, when the child was last
seen and last seen alone, the child's voice from the latest visits, meetings held against those
due, circulation misses, the oversight flags and the earlier oversight notes. On any page the
manager records a management oversight note (its actions become `oversight` deadlines, the
flags it addresses are cleared), marks an action done, or writes the supervision record.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from models.supervision import (
    CasePage,
    Timeliness,
    clearable,
    describe_flag,
    family_names,
)
from policies.dates import format_date
from policies.deadlines import Deadline
from screens import keys
from screens.cells import (
    STATUS_STYLES,
    age_text,
    countdown_cell,
    countdown_words,
    display_name,
    mask_names,
)
from screens.context import CaseloadAccess, cin, follow_app, leave_app, service_of
from screens.supervision_record import default_record_path, write_supervision_record
from screens.text import describe_error, shown, user_text
from screens.widgets.footer import CinFooter

SECTIONS = (
    ("seen", "Plan and visits"),
    ("voice", "The child's voice (latest visits)"),
    ("meetings", "Meetings"),
    ("circulation", "Circulation"),
    ("flags", "Oversight flags"),
    ("actions", "Open oversight actions"),
    ("notes", "Earlier oversight notes (newest first)"),
)
WARNING = STATUS_STYLES["overdue"]
CAUTION = STATUS_STYLES["due_soon"]
NONE_STYLE = STATUS_STYLES[None]


class WalkthroughScreen(Screen[None]):
    BINDINGS = keys.bindings(*keys.WALKTHROUGH_COMMANDS)

    def __init__(self, worker: str) -> None:
        super().__init__()
        self.worker = worker
        self.pages: list[CasePage] = []
        self.index = 0
        self.loaded = False
        self.last_record_path: Any = None
        self._loaded_version = -1

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="walk-body"):
            yield Static("Loading…", id="walk-heading")
            for key, title in SECTIONS:
                yield Static(title, classes="walk-title", id=f"walk-{key}-title")
                yield Static("", id=f"walk-{key}", classes="walk-section")
        yield CinFooter()

    def on_mount(self) -> None:
        self.title = f"cin · walkthrough · {self.worker}"
        self.sub_title = format_date(cin(self).today)
        self.query_one("#walk-body").focus()
        follow_app(self, data=lambda _version: self.reload(), privacy=self._privacy_changed)
        self.reload()

    def on_unmount(self) -> None:
        leave_app(self)

    # ----- loading ----------------------------------------------------------------------

    @property
    def page(self) -> CasePage | None:
        return self.pages[self.index] if 0 <= self.index < len(self.pages) else None

    def reload(self) -> None:
        app = cin(self)
        if app.service is not None:
            self._load(app.service, app.data_version)

    @work(thread=True, exclusive=True, group="walkthrough", exit_on_error=False)
    def _load(self, service: CaseloadAccess, version: int) -> None:
        try:
            pages = service.walkthrough_pages(self.worker)
        except Exception as error:  # shown to the user, never a traceback
            self.app.call_from_thread(self._failed, describe_error(error))
            return
        self.app.call_from_thread(self._loaded, pages, version)

    def _failed(self, message: str) -> None:
        self.query_one("#walk-heading", Static).update(
            user_text(f"Could not read {self.worker}'s cases: {message}", WARNING))

    def _loaded(self, pages: list[CasePage], version: int) -> None:
        current = self.page.ref if self.page is not None else None
        self.pages = pages
        refs = [page.ref for page in pages]
        self.index = (refs.index(current) if current in refs
                      else min(self.index, max(len(pages) - 1, 0)))
        self.loaded = True
        self._loaded_version = version
        self._draw()

    def on_screen_resume(self) -> None:
        if self.loaded and self._loaded_version != cin(self).data_version:
            self.reload()

    def _privacy_changed(self, _on: bool) -> None:
        if self.loaded:
            self._draw()

    # ----- drawing ----------------------------------------------------------------------

    def _draw(self) -> None:
        page = self.page
        heading = self.query_one("#walk-heading", Static)
        for key, _ in SECTIONS:
            self.query_one(f"#walk-{key}-title").display = page is not None
            self.query_one(f"#walk-{key}").display = page is not None
        if page is None:
            self.sub_title = format_date(cin(self).today)
            heading.update(user_text(f"{self.worker} has no open cases to walk through.", "bold"))
            return
        self.sub_title = (f"case {self.index + 1} of {len(self.pages)} · "
                          f"{format_date(cin(self).today)}")
        drawn = _PageWords(page, cin(self).today, cin(self).privacy, service_of(self).policies,
                           family_names(page, self.pages))
        heading.update(drawn.heading(self.index, len(self.pages)))
        for key, _ in SECTIONS:
            self.query_one(f"#walk-{key}", Static).update(getattr(drawn, key)())

    # ----- moving -----------------------------------------------------------------------

    def action_next_case(self) -> None:
        self._go(+1)

    def action_previous_case(self) -> None:
        self._go(-1)

    def _go(self, step: int) -> None:
        if not self.pages:
            return
        target = self.index + step
        if not 0 <= target < len(self.pages):
            where = "last" if step > 0 else "first"
            hint = " Press w to write the supervision record." if step > 0 else ""
            self.notify(shown(f"This is {self.worker}'s {where} case.{hint}"), timeout=4,
                        markup=False)
            return
        self.index = target
        self._draw()
        self.query_one("#walk-body", VerticalScroll).scroll_home(animate=False)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_open_case(self) -> None:
        if self.page is None:
            return
        from screens.case import CaseScreen

        self.app.push_screen(CaseScreen(self.page.ref))

    # ----- recording --------------------------------------------------------------------

    def _saved(self, message: str | None) -> None:
        if message:
            self.notify(shown(message, multiline=True), markup=False)
            cin(self).data_changed()

    def action_oversight_note(self) -> None:
        page = self.page
        if page is None:
            return
        from screens.oversight_form import OversightNoteForm

        service = cin(self).service
        if service is None:
            return
        self.app.push_screen(OversightNoteForm(page=page, worker=self.worker,
                                               author=service.actor,
                                               today=cin(self).today, privacy=cin(self).privacy),
                             self._saved)

    def action_action_done(self) -> None:
        page = self.page
        if page is None:
            return
        if not page.open_actions:
            self.notify("This case has no open oversight action.", severity="warning")
            return
        from screens.oversight_form import ActionDoneForm

        self.app.push_screen(ActionDoneForm(page=page, today=cin(self).today,
                                            privacy=cin(self).privacy), self._saved)

    def action_write_record(self) -> None:
        app = cin(self)
        if app.service is None:
            return
        self._write_record(app.service, app.database_path.parent, app.privacy)

    @work(thread=True, exclusive=True, group="walk-record", exit_on_error=False)
    def _write_record(self, service: CaseloadAccess, folder: Path, privacy: bool) -> None:
        """The walkthrough's notes as Markdown in the database's folder."""
        try:
            notes = service.supervision_notes(self.worker)
            path = default_record_path(folder, self.worker, service.today)
            written = write_supervision_record(path, notes, policies=service.policies,
                                               privacy=privacy, make_folder=True)
        except Exception as error:  # shown to the user, never a traceback
            self.app.call_from_thread(self.notify, shown(f"The record was not written: "
                                                         f"{describe_error(error)}"),
                                      severity="error", timeout=10, markup=False)
            return
        count = len(notes.sections)
        period = (f"the notes of {format_date(notes.since)}" if notes.since == notes.today
                  else f"the notes from {format_date(notes.since)}" if notes.since
                  else "no notes yet")
        names = " (names as initials)" if privacy else ""
        self.last_record_path = written
        self.app.call_from_thread(
            self.notify,
            shown(f"Supervision record written{names}: {written}\n{count} "
                  f"case{'s' if count != 1 else ''} with {period}. For HTML: cin "
                  f"supervision-record --worker \"{self.worker}\" --out FILE.html", multiline=True),
            timeout=15, markup=False,
        )


class _PageWords:
    """One case page as Rich text, section by section."""

    def __init__(self, page: CasePage, today: date, privacy: bool, policies: Any,
                 names: tuple[str, ...]) -> None:
        self.page = page
        self.names = names
        self.today = today
        self.privacy = privacy
        self.policies = policies

    def masked(self, text: str | None, *, multiline: bool = False) -> str:
        """Recorded words, names masked in privacy mode, safe for the terminal."""
        return shown(mask_names(text or "", self.names, self.privacy), multiline=multiline)

    def heading(self, index: int, total: int) -> Group:
        page, summary = self.page, self.page.row.summary
        policy = self.policies.get(summary.policy_id)
        title = Text()
        title.append(f"Case {index + 1} of {total}  ", style="dim")
        title.append(f"{shown(page.ref)} {display_name(page.name, self.privacy)}", style="bold")
        title.append(f"  ·  age {age_text(summary.dob, self.today)}"
                     f"  ·  {shown(getattr(policy, 'name', None) or summary.policy_id)}")
        lines = [title]
        if page.row.error:
            lines.append(user_text(f"⚠ {page.row.error}", WARNING))
        return Group(*lines)

    # ----- plan and visits --------------------------------------------------------------

    def seen(self) -> Group:
        page = self.page
        lines = [Text.assemble(("Allocated ", "bold"), format_date(page.row.summary.allocated),
                               ("   Plan ", "bold"), self._plan_words())]
        lines.append(Text.assemble(("Last seen ", "bold"), self._visit_words(page.last_seen),
                                   ("   Last seen alone ", "bold"),
                                   self._when(page.last_seen_alone.date) if page.last_seen_alone
                                   else Text("never recorded", style=CAUTION)))
        if page.over_3_not_seen_alone:
            reason = page.last_seen.not_alone_reason if page.last_seen else None
            why = (f" (reason recorded: {self.masked(reason)})" if reason
                   else " (no reason recorded)")
            lines.append(Text(f"▲ Aged 3 or more and not seen alone at the last visit{why}",
                              style=CAUTION))
        lines.append(Text.assemble(("Visits in the last 3 months ", "bold"),
                                   _timeliness_words(page.visits, "visit", "made")))
        visit = next((d for d in page.row.deadlines if d.kind == "visit"), None)
        if visit is not None:
            lines.append(_deadline_line(visit, prefix="Next visit: "))
        return Group(*lines)

    def _plan_words(self) -> Text:
        days = self.page.plan_age_days(self.today)
        if days is None or self.page.plan_started is None:
            return Text("no plan start recorded", style=NONE_STYLE)
        weeks, rest = divmod(days, 7)
        return Text(f"started {format_date(self.page.plan_started)}: {weeks} weeks {rest} days old")

    def _when(self, day: date) -> Text:
        ago = (self.today - day).days
        return Text(f"{format_date(day)} ({ago} day{'s' if ago != 1 else ''} ago)")

    def _visit_words(self, visit: Any) -> Text:
        if visit is None:
            return Text("never recorded", style=WARNING)
        text = self._when(visit.date)
        if visit.location:
            text.append(f", at {shown(visit.location)}")
        text.append(", seen alone" if visit.seen_alone else
                    ", not alone" if visit.seen_alone is False else ", alone not recorded")
        return text

    # ----- voice ------------------------------------------------------------------------

    def voice(self) -> Group | Text:
        if not self.page.voices:
            return Text("▲ The child's voice is not recorded at any visit.", style=CAUTION)
        return Group(*(Text.assemble((f"{format_date(v.date)}  ", "bold"),
                                     f"“{self.masked(v.childs_voice, multiline=True)}”")
                       for v in self.page.voices))

    # ----- meetings and circulation -----------------------------------------------------

    def meetings(self) -> Group:
        page = self.page
        held = ", ".join(f"{m.kind.replace('_', ' ')} {format_date(m.date)}"
                         for m in page.meetings_held)
        lines = [Text.assemble(("Held ", "bold"), f"{len(page.meetings_held)}",
                               f" ({held})" if held else "")]
        if page.meetings_held:
            lines.append(Text.assemble(("Against their deadlines ", "bold"),
                                       _timeliness_words(page.meetings, "meeting", "held")))
        if page.cancelled:
            lines.append(Text(f"Cancelled {page.cancelled}"))
        if page.meetings_due:
            lines += [_deadline_line(d, prefix="Due: ") for d in page.meetings_due]
        else:
            lines.append(Text("No meeting or review deadline open.", style=NONE_STYLE))
        return Group(*lines)

    def circulation(self) -> Group | Text:
        page = self.page
        if not page.meetings_held:
            return Text("· No meeting held yet.", style=NONE_STYLE)
        misses = page.circulation_misses
        lines = [Text.assemble(("Misses ", "bold"),
                               Text(str(misses), style=WARNING if misses else "")),
                 Text.assemble(("Circulated ", "bold"),
                               _timeliness_words(page.circulation, "circulation", "sent"))]
        lines += [_deadline_line(d, prefix="Not circulated yet: ") for d in page.circulation_due]
        return Group(*lines)

    # ----- oversight --------------------------------------------------------------------

    def flags(self) -> Group | Text:
        if not self.page.flags:
            return Text("· None open.", style=NONE_STYLE)
        lines = []
        for flag in self.page.flags:
            line = _deadline_line(flag)
            if not clearable(flag):
                line.append("  (met by recording the assessment, not by a note)", style="dim")
            lines.append(line)
        return Group(*lines)

    def actions(self) -> Group | Text:
        if not self.page.open_actions:
            return Text("· None open.", style=NONE_STYLE)
        lines = []
        for item in self.page.open_actions:
            line = countdown_cell(item.deadline) if item.deadline else Text("·")
            line = line.copy()
            line.append("  ")
            line.append(self.masked(item.action.description), style="bold")
            line.append(f"  owner {shown(item.action.owner)} · due {format_date(item.action.due)}"
                        f" · from the note of {format_date(item.note.recorded)}")
            lines.append(line)
        return Group(*lines)

    def notes(self) -> Group | Text:
        if not self.page.notes:
            return Text("· No oversight note recorded yet.", style=NONE_STYLE)
        blocks = []
        for note in self.page.notes:
            lines = [Text.assemble(
                         (f"{format_date(note.recorded)} · {shown(note.author)}: ", "bold"),
                         self.masked(note.decision, multiline=True)),
                     Text(f"    Why: {self.masked(note.rationale, multiline=True)}")]
            if note.cleared_flags:
                flags = "; ".join(describe_flag(self.policies, f) for f in note.cleared_flags)
                lines.append(user_text(f"    Flags addressed: {flags}", "dim"))
            for action in note.actions:
                state = f"done {format_date(action.done)}" if action.done else "open"
                lines.append(Text(f"    Action: {self.masked(action.description)} "
                                  f"({shown(action.owner)}, due {format_date(action.due)}, "
                                  f"{state})"))
            blocks.append(Group(*lines))
        return Group(*blocks)


def _deadline_line(deadline: Deadline, *, prefix: str = "") -> Text:
    line = Text(prefix, style="bold")
    line.append_text(countdown_cell(deadline))
    line.append("  ")
    line.append(shown(deadline.label))
    line.append(f"  due {format_date(deadline.due)} · {countdown_words(deadline)}")
    return line


def _timeliness_words(timeliness: Timeliness, what: str, done: str) -> Text:
    """"2 of 3 in time; late: 10 Sep 2026 (due 17 Jul 2026)"."""
    if not timeliness.counted:
        return Text(f"none to judge (no {what} timescale applied)", style=NONE_STYLE)
    text = Text(f"{timeliness.in_time} of {timeliness.counted} in time")
    if timeliness.late:
        text.append("; late: ", style=WARNING)
        text.append(", ".join(
            f"{late.what} {done} {format_date(late.on)} (due {format_date(late.due)})"
            if late.what != what else f"{format_date(late.on)} (due {format_date(late.due)})"
            for late in timeliness.late), style=WARNING)
    return text
