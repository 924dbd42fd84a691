"""What screens need from the running app, as types a checker can see.

Screens do not import the App (cin_tui is the layer above them). They reach it through
`cin(node)`, a cast to the `CinContext` protocol (as posting casts `self.app` to its App type),
and reach the data through `CaseloadAccess`, the part of `models.service.CaseloadService`
they use. Changes reach them through two Textual signals the App publishes: `data_signal`
after every save (and once the data is first ready), `privacy_signal` when privacy mode is
switched. A screen subscribes when mounted and unsubscribes when unmounted (`follow_app`), so
nothing it registered outlives it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.screen import Screen
    from textual.signal import Signal

    from models.calendar_events import CalendarEvent
    from models.case_edit import CaseChanges
    from models.chronology import Chronology
    from models.inputs import CaseInput, ClosureInput, MeetingInput, VisitInput
    from models.location import ServerUrl
    from models.queries import CaseDetail
    from models.rows import CaseloadRow, CaseSummary
    from models.supervision import CasePage, SupervisionNotes, TeamFacts, TeamOverview
    from models.sync_local import ConflictView, RefusalView
    from models.sync_run import SyncReport
    from policies.packs import Policy


class CaseloadAccess(Protocol):
    """The caseload service as screens use it (models.service.CaseloadService). Every method
    blocks on the database: call them from thread workers."""

    @property
    def today(self) -> date: ...
    @property
    def actor(self) -> str: ...
    @property
    def amber_working_days(self) -> int: ...
    @property
    def policies(self) -> Mapping[str, Policy]: ...

    def policy(self, policy_id: str) -> Policy | None: ...

    def caseload_changes(
        self, *, known_batches: Collection[int], include_closed: bool = False
    ) -> tuple[list[CaseloadRow], frozenset[int]]: ...

    def case(self, ref: str) -> tuple[CaseDetail, CaseloadRow]: ...
    def case_detail(self, ref: str) -> CaseDetail: ...
    def siblings(self, ref: str) -> list[CaseSummary]: ...
    def team_overview(self) -> TeamOverview: ...
    def team_facts(self) -> TeamFacts: ...
    def walkthrough_pages(self, worker: str) -> list[CasePage]: ...
    def supervision_notes(
        self, worker: str, *, since: date | None = None
    ) -> SupervisionNotes: ...

    def log_visit(self, ref: str, visit: VisitInput, *, confirmed: bool = False,
                  expected_version: int | None = None) -> int: ...
    def log_sibling_visits(self, visits: Mapping[str, VisitInput], *,
                           confirmed: bool = False,
                           expected_versions: Mapping[str, int] | None = None,
                           ) -> dict[str, int]: ...
    def book_meeting(self, *, ref: str, kind: str, date: date,
                     expected_version: int | None = None) -> int: ...
    def record_meeting_held(
        self, *, meeting_id: int, date: date, chair: str | None, chair_role: str | None,
        family_attended: bool | None, next_meeting_date: date | None = None,
        next_meeting_kind: str = "review", plan_started: date | None = None,
        expected_version: int | None = None,
    ) -> int | None: ...
    def record_circulated(self, *, meeting_id: int, date: date,
                          expected_version: int | None = None) -> None: ...
    def cancel_meeting(self, *, meeting_id: int, reason: str, cancelled_on: date,
                       expected_version: int | None = None) -> None: ...
    def close_case(self, *, ref: str, closure: ClosureInput,
                   expected_version: int | None = None) -> int: ...
    def add_oversight_note(
        self, *, ref: str, decision: str, rationale: str, author: str | None = None,
        actions: Sequence[tuple[str, str, date]] = (), cleared_flags: Sequence[str] = (),
        expected_version: int | None = None,
    ) -> int: ...
    def complete_oversight_action(self, *, action_id: int, done: date | None,
                                  expected_version: int | None = None) -> None: ...
    def add_case(self, case: CaseInput) -> str: ...
    def edit_case(self, ref: str, changes: CaseChanges, *,
                  expected_version: int | None = None) -> list[str]: ...

    # Corrections (models/corrections.py): each returns the correction's uid.
    def correct_visit(self, *, ref: str, visit_uid: str, visit: VisitInput,
                      reason: str, expected_version: int | None = None) -> str: ...
    def withdraw_visit(self, *, ref: str, visit_uid: str, reason: str,
                       expected_version: int | None = None) -> str: ...
    def correct_meeting(self, *, ref: str, meeting_uid: str, meeting: MeetingInput,
                        reason: str, expected_version: int | None = None) -> str: ...
    def withdraw_meeting(self, *, ref: str, meeting_uid: str, reason: str,
                         expected_version: int | None = None) -> str: ...
    def correct_oversight_note(self, *, ref: str, note_uid: str, decision: str,
                               rationale: str, reason: str,
                               expected_version: int | None = None) -> str: ...
    def withdraw_oversight_note(self, *, ref: str, note_uid: str, reason: str,
                                expected_version: int | None = None) -> str: ...
    def reopen_case(self, *, ref: str, reason: str, expected_version: int | None = None) -> str: ...

    def complete_task(self, *, ref: str, rule: str, done: date, due: date | None = None,
                      note: str | None = None, expected_version: int | None = None) -> int: ...

    # Calendar export and chronology (issue 16).
    def calendar_events(self, *, worker: str | None = None,
                        within_days: int | None = None) -> list[CalendarEvent]: ...
    def chronology(self, ref: str) -> Chronology: ...

    def change_marker(self) -> int:
        """Moves whenever anyone saves anything to the database (the App's check for
        other people's changes)."""

    # An offline laptop and its team server (issue 14; screens/sync.py).
    def sync_with(self, server: ServerUrl, *,
                  checkpoint: Callable[[str, str], None] | None = None) -> SyncReport: ...
    def sync_conflicts(self) -> list[ConflictView]: ...
    def sync_refusals(self) -> list[RefusalView]: ...
    def resolve_conflict(self, conflict_id: int, *,
                         keep: Literal["server", "laptop"]) -> ConflictView: ...
    def discard_refusal(self, refusal_id: int) -> RefusalView: ...


class CinContext(Protocol):
    """The App as screens see it (cin_tui.app.CinApp); screens only read these."""

    @property
    def service(self) -> CaseloadAccess | None:
        """None until the start-up worker has opened the database."""
    @property
    def startup_error(self) -> str | None:
        """Why the database could not be opened, if it could not."""
    @property
    def today(self) -> date: ...
    @property
    def privacy(self) -> bool: ...
    @property
    def cursor_blink(self) -> bool: ...
    @property
    def database_path(self) -> Path: ...
    @property
    def data_version(self) -> int:
        """Bumped after every save: a screen's copy of the data older than this is stale."""
    @property
    def home_worker(self) -> str | None:
        """Whose cases the caseload opens on, if they hold any (the user's own name)."""
    @property
    def team_server(self) -> ServerUrl | None:
        """The team server this laptop syncs with ([team] server in settings.toml), when the
        caseload is a file on this laptop; None otherwise."""
    @property
    def data_signal(self) -> Signal[int]:
        """Published with data_version after every save."""
    @property
    def privacy_signal(self) -> Signal[bool]: ...

    def data_changed(self) -> None: ...


def cin(node: DOMNode) -> CinContext:
    """The running app of `node`, typed."""
    return cast("CinContext", node.app)


def service_of(node: DOMNode) -> CaseloadAccess:
    """The caseload service, for forms and keys that only exist once the caseload has opened."""
    service = cin(node).service
    if service is None:
        raise RuntimeError("The caseload is still opening; try again in a moment.")
    return service


def follow_app(
    screen: Screen[Any], *, data: Callable[[int], object],
    privacy: Callable[[bool], object] | None = None,
) -> None:
    """Call `data(version)` after every save and `privacy(on)` when privacy mode changes, for
    as long as `screen` is mounted. Call from `on_mount`; `leave_app` from `on_unmount`."""
    app = cin(screen)
    app.data_signal.subscribe(screen, data)
    if privacy is not None:
        app.privacy_signal.subscribe(screen, privacy)


def leave_app(screen: Screen[Any]) -> None:
    app = cin(screen)
    app.data_signal.unsubscribe(screen)
    app.privacy_signal.unsubscribe(screen)
