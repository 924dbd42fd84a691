"""The caseload as of one day: the one door to the data for the CLI and the App.

A `CaseloadService` is built once (by `cin`'s subcommands, and by the App at start) for one
database, one settings folder, one day and one user. It owns the deadline inputs (the policy
packs, the working-day calendar, the amber window) and the engine, loads each only when first
needed, and offers typed reads and commands. Every read goes down one ladder, here and only
here:

1. the stored deadlines, when current for these settings (`stored_caseload`; the first
   paint and `cin due` on an unchanged caseload): on an SQLite file plain sqlite3, nothing
   heavy imported; on a team server the same SQL on the engine's psycopg connection in one
   read-only snapshot (models.connection.read_only_snapshot);
2. else deadlines not stored yet are worked out and stored in short transactions of their own,
   then read back in a snapshot (`models.stored_reads.read_stored`);
3. else, when another copy of cin holds the write lock, worked out without storing.

Callers see only cases, rows and notes, never a session or a connection, so a team server
(PostgreSQL) can stand behind the same methods.

Everything here blocks on the database: the App calls it from thread workers.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from models.location import DatabaseLocation, ServerUrl, location_of

if TYPE_CHECKING:  # imported when first used: the fast read needs none of them
    from sqlalchemy import Engine
    from sqlmodel import Session

    from models.calendar_events import CalendarEvent
    from models.case_edit import CaseChanges
    from models.chronology import Chronology
    from models.inputs import CaseInput, ClosureInput, MeetingInput, VisitInput
    from models.queries import AuditRecord, CaseDetail
    from models.rows import CaseloadRow, CaseSummary
    from models.supervision import CasePage, SupervisionNotes, TeamFacts, TeamOverview
    from models.sync_local import ConflictView, RefusalView
    from models.sync_resolve import Keep
    from models.sync_run import SyncReport
    from policies.calendar import WorkingCalendar
    from policies.packs import Policy

T = TypeVar("T")

DEFAULT_AMBER_WORKING_DAYS = 5
DEFAULT_BACKUPS_KEPT = 10


class CaseloadService:
    """One user's view of one database on one day, with these settings."""

    def __init__(
        self,
        *,
        database: DatabaseLocation | str,
        settings_dir: Path | None,
        today: date,
        actor: str,
        amber_working_days: int = DEFAULT_AMBER_WORKING_DAYS,
        backups_to_keep: int = DEFAULT_BACKUPS_KEPT,
    ) -> None:
        self.database: DatabaseLocation = location_of(database)
        # None: the shipped packs and England & Wales bank holidays only (tests, demos).
        self.settings_dir = settings_dir
        self.today = today
        self.actor = actor  # the name written to the audit trail
        self.amber_working_days = amber_working_days
        self.backups_to_keep = backups_to_keep

    # ----- what it owns, each loaded when first needed -----------------------------------

    @cached_property
    def policies(self) -> Mapping[str, Policy]:
        from policies.packs import load_policies

        return load_policies(self.settings_dir)

    @cached_property
    def calendar(self) -> WorkingCalendar:
        from policies.calendar import load_calendar

        return load_calendar(self.settings_dir)

    @cached_property
    def engine(self) -> Engine:
        """The database, opened (created if there is no file yet) and migrated."""
        from models.db import open_database

        return open_database(self.database, backups_kept=self.backups_to_keep)

    @cached_property
    def settings_inputs(self) -> str:
        """The key of the settings files the packs and calendar come from, stored with the
        deadlines so that the next start can find them without loading either."""
        from models.stored_deadlines import settings_inputs_key

        return settings_inputs_key(self.settings_dir)

    def open(self) -> CaseloadService:
        """Load the packs and calendar, then open the database: a bad pack is reported before
        the database is touched."""
        self.policies  # noqa: B018
        self.calendar  # noqa: B018
        self.engine  # noqa: B018
        return self

    @property
    def is_open(self) -> bool:
        return "engine" in self.__dict__

    def close(self) -> None:
        if self.is_open:
            self.engine.dispose()
            del self.__dict__["engine"]

    def __enter__(self) -> CaseloadService:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def policy(self, policy_id: str) -> Policy | None:
        return self.policies.get(policy_id)

    # ----- names as typed -----------------------------------------------------------------

    def known_ref(self, typed: str) -> str:
        """The case reference meant by `typed`, written in any case (`ex-0003` finds
        `EX-0003`): the exact reference if there is one, else the only one equal to it ignoring
        case; otherwise `typed` as it is (the read that follows then says it was not found)."""
        return self._known(typed.strip(), "SELECT ref FROM cases")

    def known_worker(self, typed: str) -> str:
        """The worker's name meant by `typed`, as `known_ref` finds a reference."""
        return self._known(typed.strip(), "SELECT name FROM workers")

    def _known(self, typed: str, sql: str) -> str:
        import sqlite3
        from contextlib import closing

        if not isinstance(self.database, Path):  # a team server: through the engine
            from sqlalchemy import text

            with self.engine.connect() as server:
                names = [str(name) for (name,) in server.execute(text(sql))]
        elif not self.database.is_file():
            return typed
        else:
            try:
                uri = f"file:{self.database.resolve()}?mode=ro"
                with closing(sqlite3.connect(uri, uri=True)) as connection:
                    names = [name for (name,) in connection.execute(sql)]
            except sqlite3.Error:
                return typed  # the read that follows reports the database's problem properly
        if typed in names:
            return typed
        folded = typed.casefold()
        matches = [name for name in names if name.casefold() == folded]
        return matches[0] if len(matches) == 1 else typed

    # ----- the caseload -------------------------------------------------------------------

    def stored_caseload(
        self, *, worker: str | None = None, include_closed: bool = False,
        limit: int | None = None,
    ) -> list[CaseloadRow] | None:
        """The first rung: the caseload from the stored deadlines if they are all current for
        these settings (the first `limit` cases of it, if given), else None. Loads neither the
        packs nor the calendar: plain sqlite3 on an SQLite file; on a team server the same
        SQL on the engine's psycopg connection, in a read-only snapshot."""
        from models.stored_deadlines import caseload_from, fast_caseload

        if isinstance(self.database, Path):
            return fast_caseload(self.database, self.settings_dir, today=self.today,
                                 amber_working_days=self.amber_working_days,
                                 include_closed=include_closed, worker=worker, limit=limit)
        return self._on_server(lambda connection: caseload_from(
            connection, self.settings_dir, today=self.today,
            amber_working_days=self.amber_working_days, include_closed=include_closed,
            worker=worker, limit=limit), consistent=limit is not None)

    def caseload(
        self, *, worker: str | None = None, include_closed: bool = False
    ) -> list[CaseloadRow]:
        """Every open case (and closed ones if asked), one worker's if `worker` is given, in
        the caseload order (models.rows.caseload_order), down the whole ladder."""
        stored = self.stored_caseload(worker=worker, include_closed=include_closed)
        if stored is not None:
            return stored
        from models.caseload import load_caseload
        from models.stored_deadlines import read_caseload

        return self._stored_read(
            lambda connection, computed_for: read_caseload(
                connection, computed_for=computed_for, today=self.today,
                calendar=self.calendar, amber_working_days=self.amber_working_days,
                include_closed=include_closed, worker=worker),
            lambda session: load_caseload(
                session, policies=self.policies, calendar=self.calendar, today=self.today,
                worker=worker, include_closed=include_closed,
                amber_working_days=self.amber_working_days, store=False),
            worker=worker)

    def over_caseload(
        self, consume: Callable[[Iterable[CaseloadRow]], T], *, worker: str | None = None,
        include_closed: bool = False,
    ) -> T:
        """`consume(rows)` over the rows of `caseload`, one at a time and in no particular
        order, down the same ladder, so that a large caseload is never all in memory.

        `consume` may be called again, from the start, when the stored deadlines turn out
        mid-way not to be current: it must keep what it builds to itself until it returns."""
        import sqlite3

        from models.stored_deadlines import NotCurrent, each_stored_row, rows_from, stored_rows

        def consume_stored(connection: Any) -> tuple[T] | None:
            rows = rows_from(connection, self.settings_dir, today=self.today,
                             amber_working_days=self.amber_working_days,
                             include_closed=include_closed, worker=worker)
            return None if rows is None else (consume(rows),)

        try:
            if isinstance(self.database, Path):
                with stored_rows(self.database, self.settings_dir, today=self.today,
                                 amber_working_days=self.amber_working_days,
                                 include_closed=include_closed, worker=worker) as rows:
                    if rows is not None:
                        return consume(rows)
            else:
                consumed = self._on_server(consume_stored)
                if consumed is not None:
                    return consumed[0]
        except (NotCurrent, sqlite3.Error):
            pass  # the full path below stores what is missing, or reports the problem
        from models.caseload import each_caseload_row

        # In a tuple: whatever `consume` returns (None too) is its answer.
        return self._stored_read(
            lambda connection, computed_for: (consume(each_stored_row(
                connection, computed_for=computed_for, today=self.today,
                calendar=self.calendar, amber_working_days=self.amber_working_days,
                include_closed=include_closed, worker=worker)),),
            lambda session: (consume(each_caseload_row(
                session, policies=self.policies, calendar=self.calendar, today=self.today,
                worker=worker, include_closed=include_closed,
                amber_working_days=self.amber_working_days, store=False)),),
            worker=worker)[0]

    def caseload_changes(
        self, *, known_batches: Collection[int], include_closed: bool = False
    ) -> tuple[list[CaseloadRow], frozenset[int]]:
        """The rows stored since the batches `known_batches` (every row if none) and the
        batches now stored: after a save, only the cases it changed
        (models.caseload.load_caseload_changes). From the stored deadlines when they are all
        current for these settings (rung 1, one snapshot), else down the rest of the ladder."""
        import sqlite3

        from models.caseload import caseload_changes_from, load_caseload_changes
        from models.stored_deadlines import current_inputs, file_snapshot

        def from_stored(connection: Any) -> tuple[list[CaseloadRow], frozenset[int]] | None:
            found = current_inputs(connection, self.settings_dir)
            if found is None:
                return None
            computed_for, calendar = found
            return caseload_changes_from(
                connection, computed_for, today=self.today, calendar=calendar,
                known_batches=known_batches, include_closed=include_closed,
                amber_working_days=self.amber_working_days)

        if isinstance(self.database, Path):
            try:
                with file_snapshot(self.database) as connection:
                    stored = None if connection is None else from_stored(connection)
            except (OSError, sqlite3.Error, ValueError):
                stored = None
        else:
            stored = self._on_server(from_stored, consistent=True)
        if stored is not None:
            return stored
        return self._stored_read(
            lambda connection, computed_for: caseload_changes_from(
                connection, computed_for, today=self.today, calendar=self.calendar,
                known_batches=known_batches, include_closed=include_closed,
                amber_working_days=self.amber_working_days),
            lambda session: load_caseload_changes(
                session, policies=self.policies, calendar=self.calendar, today=self.today,
                known_batches=known_batches, include_closed=include_closed,
                amber_working_days=self.amber_working_days, store=False))

    def _on_server(self, read: Callable[[Any], T], *, consistent: bool = False) -> T | None:
        """Rung 1 on a team server: `read(connection)` on the engine's pooled psycopg
        connection, read-only; None on any problem of the read: the full path then reports
        it properly. Opening the engine (which the next rungs need anyway) raises as `open`
        does: a server that cannot be reached is not tried twice. `consistent`: all its
        statements in one snapshot; else each statement is one (each stored row read is
        checked against the inputs' key, so a key read a moment before the rows is safe)."""
        from models.server_start import plain_read, plain_read_pays

        if not self.is_open and plain_read_pays() and isinstance(self.database, ServerUrl):
            # The first read of a process without SQLAlchemy (`cin due`): a plain connection.
            return plain_read(self.database, read, consistent=consistent)
        import sqlalchemy.exc

        from models.connection import read_only_snapshot
        from models.errors import DatabaseError

        if not self.is_open:
            self._load_packs_meanwhile()
        engine = self.engine
        try:
            with read_only_snapshot(engine, one_statement=not consistent) as connection:
                return read(connection)
        except (DatabaseError, sqlalchemy.exc.DBAPIError):
            return None

    def _load_packs_meanwhile(self) -> None:
        """Load the packs and calendar (which `open` needs next) on a thread of their own while
        this one connects to the server and reads the first screen: most of that is waiting
        for the server (its backend's start, each round trip), when this thread holds no GIL.
        A problem is left for `open` to meet again and report."""
        import threading

        def load() -> None:
            try:
                self.policies  # noqa: B018
                self.calendar  # noqa: B018
            except Exception:  # open() loads them again and reports it
                pass

        threading.Thread(target=load, name="cin-packs", daemon=True).start()

    def _stored_read(
        self, read: Callable[[Any, str], T | None], in_memory: Callable[[Session], T], *,
        worker: str | None = None,
    ) -> T:
        """Rungs 2 and 3: `read(connection, computed_for)` in a read-only snapshot once the
        deadlines it reads (one worker's, if given) are stored (models.stored_reads.read_stored:
        short transactions; nothing held while deadlines are worked out); or `in_memory`,
        worked out without storing, while another copy of cin holds the write lock."""
        from models.stored_reads import read_stored

        self.open()
        return read_stored(self.engine, read, in_memory, policies=self.policies,
                           calendar=self.calendar, today=self.today, worker=worker,
                           amber_working_days=self.amber_working_days,
                           settings_inputs=self.settings_inputs)

    # ----- one case -----------------------------------------------------------------------

    def case(self, ref: str) -> tuple[CaseDetail, CaseloadRow]:
        """One case's record and its row of deadlines, read together so they agree, open or
        closed. Raises `models.errors.CaseNotFound`."""
        from models.queries import get_case_detail

        def read(session: Session) -> tuple[CaseDetail, CaseloadRow]:
            return get_case_detail(session, ref), self._case_row(session, ref)

        return self._snapshot(read)

    def case_row(self, ref: str) -> CaseloadRow:
        """One case's row of deadlines (what `cin explain` shows)."""
        return self._snapshot(lambda session: self._case_row(session, ref))

    def case_detail(self, ref: str) -> CaseDetail:
        from models.queries import get_case_detail

        return self._snapshot(lambda session: get_case_detail(session, ref))

    def siblings(self, ref: str) -> list[CaseSummary]:
        """The other open cases of the same family, by ref."""
        from models.queries import siblings_of

        return self._snapshot(lambda session: list(siblings_of(session, ref)))

    def _case_row(self, session: Session, ref: str) -> CaseloadRow:
        from models.caseload import load_case

        return load_case(session, ref=ref, policies=self.policies, calendar=self.calendar,
                         today=self.today, amber_working_days=self.amber_working_days)

    # ----- supervision --------------------------------------------------------------------

    def team_overview(self) -> TeamOverview:
        """One line per worker of every team, over the open cases, with the monthly trends
        of the last 12 months (models.trends)."""
        from models.supervision import team_overview
        from models.trends import TREND_MONTHS

        return self._read(lambda session, store: team_overview(
            session, policies=self.policies, calendar=self.calendar, today=self.today,
            amber_working_days=self.amber_working_days, store=store,
            trend_months=TREND_MONTHS))

    def walkthrough_pages(self, worker: str) -> list[CasePage]:
        """One page per case of `worker`, by ref. Raises `models.errors.UnknownWorker`."""
        from models.supervision import walkthrough_pages

        return self._read(lambda session, store: walkthrough_pages(
            session, worker=worker, policies=self.policies, calendar=self.calendar,
            today=self.today, amber_working_days=self.amber_working_days, store=store))

    def supervision_notes(self, worker: str, *, since: date | None = None) -> SupervisionNotes:
        """The oversight notes on `worker`'s cases from `since` (default: the last
        walkthrough's day) to today. Raises `models.errors.UnknownWorker`."""
        from models.supervision import supervision_notes

        return self._read(lambda session, store: supervision_notes(
            session, worker=worker, policies=self.policies, calendar=self.calendar,
            today=self.today, since=since, amber_working_days=self.amber_working_days,
            store=store))

    def audit_entries(
        self, ref: str | None = None, *, newest_first: bool = False, limit: int | None = None
    ) -> list[AuditRecord]:
        """The audit trail (of one case if `ref` is given), oldest first unless asked."""
        from models.queries import audit_log

        return self._snapshot(lambda session: list(audit_log(
            session, ref, newest_first=newest_first, limit=limit)))

    # ----- commands: each one transaction, audited as this user on this day ---------------
    # Each raises `models.validation.ValidationFailed` (nothing written) on bad input.

    def log_visit(self, ref: str, visit: VisitInput, *, confirmed: bool = False,
                  expected_version: int | None = None) -> int:
        """Raises `models.validation.NeedsConfirmation` for a visit that looks mistaken
        (before allocation, the same day twice) unless `confirmed`."""
        from models.commands import log_visit

        return self._write(lambda session: log_visit(
            session, ref=ref, visit=visit, actor=self.actor, today=self.today,
            confirmed=confirmed,
            expected_version=expected_version))

    def log_sibling_visits(self, visits: Mapping[str, VisitInput], *,
                           confirmed: bool = False,
                           expected_versions: Mapping[str, int] | None = None,
                           ) -> dict[str, int]:
        from models.commands import log_sibling_visits

        return self._write(lambda session: log_sibling_visits(
            session, visits=visits, actor=self.actor, today=self.today, confirmed=confirmed,
            expected_versions=expected_versions))

    def book_meeting(self, *, ref: str, kind: str, date: date,
                     expected_version: int | None = None) -> int:
        from models.commands import book_meeting

        return self._write(lambda session: book_meeting(
            session, ref=ref, kind=kind, date=date, actor=self.actor, today=self.today,
            expected_version=expected_version))

    def record_meeting_held(
        self, *, meeting_id: int, date: date, chair: str | None, chair_role: str | None,
        family_attended: bool | None, next_meeting_date: date | None = None,
        next_meeting_kind: str = "review", plan_started: date | None = None,
        expected_version: int | None = None,
    ) -> int | None:
        """Mark a booked meeting held; an initial meeting also records the plan start
        (`plan_started`, else the meeting's date if the case has none yet)."""
        from models.commands import record_meeting_held

        return self._write(lambda session: record_meeting_held(
            session, meeting_id=meeting_id, date=date, chair=chair, chair_role=chair_role,
            family_attended=family_attended, next_meeting_date=next_meeting_date,
            next_meeting_kind=next_meeting_kind, plan_started=plan_started, actor=self.actor,
            today=self.today,
            expected_version=expected_version))

    def record_circulated(self, *, meeting_id: int, date: date,
                          expected_version: int | None = None) -> None:
        from models.commands import record_circulated

        self._write(lambda session: record_circulated(
            session, meeting_id=meeting_id, date=date, actor=self.actor, today=self.today,
            expected_version=expected_version))

    def cancel_meeting(self, *, meeting_id: int, reason: str, cancelled_on: date,
                       expected_version: int | None = None) -> None:
        from models.commands import cancel_meeting

        self._write(lambda session: cancel_meeting(
            session, meeting_id=meeting_id, reason=reason, cancelled_on=cancelled_on,
            actor=self.actor, today=self.today,
            expected_version=expected_version))

    def close_case(self, *, ref: str, closure: ClosureInput,
                   expected_version: int | None = None) -> int:
        from models.commands import close_case

        return self._write(lambda session: close_case(
            session, ref=ref, closure=closure, policies=self.policies, actor=self.actor,
            today=self.today,
            expected_version=expected_version))

    def add_oversight_note(
        self, *, ref: str, decision: str, rationale: str, author: str | None = None,
        actions: Sequence[tuple[str, str, date]] = (), cleared_flags: Sequence[str] = (),
        expected_version: int | None = None,
    ) -> int:
        """A manager's note on a case, by `author` (default: this user)."""
        from models.commands import add_oversight_note

        return self._write(lambda session: add_oversight_note(
            session, ref=ref, author=author or self.actor, decision=decision, rationale=rationale,
            actions=actions, cleared_flags=cleared_flags, today=self.today,
            expected_version=expected_version))

    def complete_oversight_action(self, *, action_id: int, done: date | None,
                                  expected_version: int | None = None) -> None:
        from models.commands import complete_oversight_action

        self._write(lambda session: complete_oversight_action(
            session, action_id=action_id, done=done, actor=self.actor, today=self.today,
            expected_version=expected_version))

    # ----- adding and editing cases (models/case_edit.py) ---------------------------------

    def add_case(self, case: CaseInput) -> str:
        """Add a case by hand (no history), checked as an import checks it; returns its ref."""
        from models.case_edit import add_case

        return self._write(lambda session: add_case(
            session, case=case, policies=self.policies, actor=self.actor, today=self.today))

    def edit_case(self, ref: str, changes: CaseChanges, *,
                  expected_version: int | None = None) -> list[str]:
        """Change a case's own details (never its visits, meetings or closure); returns the
        fields that changed, none when nothing did."""
        from models.case_edit import edit_case

        return self._write(lambda session: edit_case(
            session, ref=ref, changes=changes, policies=self.policies, actor=self.actor,
            today=self.today,
            expected_version=expected_version))

    # ----- the worker's own tasks (models/tasks.py) ----------------------------------------

    def complete_task(self, *, ref: str, rule: str, done: date, due: date | None = None,
                      note: str | None = None, expected_version: int | None = None) -> int:
        """Mark the worker task `rule` ("invitations" or "camden.invitations") of `ref` done
        on `done`: the open occurrence due on `due`, or the earliest. Returns its id."""
        from models.tasks import complete_task

        return self._write(lambda session: complete_task(
            session, ref=ref, rule=rule, done=done, due=due, note=note,
            policies=self.policies, calendar=self.calendar, actor=self.actor,
            today=self.today,
            expected_version=expected_version))

    def withdraw_task_completion(self, *, completion_id: int, reason: str,
                                 expected_version: int | None = None) -> None:
        """Withdraw a task marked done by mistake (kept, marked withdrawn): open again."""
        from models.tasks import withdraw_task_completion

        self._write(lambda session: withdraw_task_completion(
            session, completion_id=completion_id, reason=reason, actor=self.actor,
            today=self.today,
            expected_version=expected_version))

    def withdraw_latest_task(self, *, ref: str, rule: str, reason: str) -> int:
        """Withdraw the task `rule` of `ref` marked done most recently; returns its id."""
        from models.tasks import latest_completion, withdraw_task_completion

        def withdraw(session: Session) -> int:
            completion = latest_completion(session, ref=ref, rule=rule, policies=self.policies)
            withdraw_task_completion(session, completion_id=completion, reason=reason,
                                     actor=self.actor, today=self.today)
            return completion

        return self._write(withdraw)

    # ----- transactions -------------------------------------------------------------------

    def _read(self, read: Callable[[Session, bool], T]) -> T:
        """Rungs 2 and 3 of the ladder: `read(session, store=True)` under the write lock (it
        may store deadlines not yet worked out), or, while another copy of cin holds that
        lock, `read(session, store=False)` in a read-only transaction."""
        from models.db import session_scope
        from models.errors import DatabaseLocked, NotPermitted

        self.open()
        try:
            with session_scope(self.engine, write=True) as session:
                return read(session, True)
        except (DatabaseLocked, NotPermitted):
            # NotPermitted: on a team server only who may change a case stores its deadlines
            # (models/server_sql.py); a colleague covering it gets them worked out, not stored.
            with session_scope(self.engine, write=False) as session:
                return read(session, False)

    def _snapshot(self, read: Callable[[Session], T]) -> T:
        """A read that stores nothing, in one read-only transaction."""
        from models.db import session_scope

        self.open()
        with session_scope(self.engine, write=False) as session:
            return read(session)

    def _write(self, command: Callable[[Session], T]) -> T:
        from models.db import session_scope

        self.open()
        with session_scope(self.engine) as session:
            return command(session)

    # ----- corrections (models/corrections.py): each returns the correction's uid ---------

    def correct_visit(self, *, ref: str, visit_uid: str, visit: VisitInput, reason: str,
                      expected_version: int | None = None) -> str:
        from models.corrections import correct_visit

        return self._write(lambda session: correct_visit(
            session, ref=ref, visit_uid=visit_uid, visit=visit, reason=reason,
            actor=self.actor, today=self.today,
            expected_version=expected_version))

    def withdraw_visit(self, *, ref: str, visit_uid: str, reason: str,
                       expected_version: int | None = None) -> str:
        from models.corrections import withdraw_visit

        return self._write(lambda session: withdraw_visit(
            session, ref=ref, visit_uid=visit_uid, reason=reason, actor=self.actor,
            today=self.today,
            expected_version=expected_version))

    def correct_meeting(
        self, *, ref: str, meeting_uid: str, meeting: MeetingInput, reason: str,
        expected_version: int | None = None) -> str:
        from models.corrections import correct_meeting

        return self._write(lambda session: correct_meeting(
            session, ref=ref, meeting_uid=meeting_uid, meeting=meeting, reason=reason,
            actor=self.actor, today=self.today,
            expected_version=expected_version))

    def withdraw_meeting(self, *, ref: str, meeting_uid: str, reason: str,
                         expected_version: int | None = None) -> str:
        from models.corrections import withdraw_meeting

        return self._write(lambda session: withdraw_meeting(
            session, ref=ref, meeting_uid=meeting_uid, reason=reason, actor=self.actor,
            today=self.today,
            expected_version=expected_version))

    def correct_oversight_note(
        self, *, ref: str, note_uid: str, decision: str, rationale: str, reason: str,
        expected_version: int | None = None) -> str:
        from models.corrections import correct_oversight_note

        return self._write(lambda session: correct_oversight_note(
            session, ref=ref, note_uid=note_uid, decision=decision, rationale=rationale,
            reason=reason, actor=self.actor, today=self.today,
            expected_version=expected_version))

    def withdraw_oversight_note(self, *, ref: str, note_uid: str, reason: str,
                                expected_version: int | None = None) -> str:
        from models.corrections import withdraw_oversight_note

        return self._write(lambda session: withdraw_oversight_note(
            session, ref=ref, note_uid=note_uid, reason=reason, actor=self.actor,
            today=self.today,
            expected_version=expected_version))

    def reopen_case(self, *, ref: str, reason: str, expected_version: int | None = None) -> str:
        from models.corrections import reopen_case

        return self._write(lambda session: reopen_case(
            session, ref=ref, reason=reason, actor=self.actor, today=self.today,
            expected_version=expected_version))

    # ----- other people's changes (issue 13) ----------------------------------------------

    def change_marker(self) -> int:
        """A number that moves whenever anyone saves anything to this database: the newest
        audit entry's id (every change writes one). One lookup at the end of the primary key,
        the same on any engine: cheap enough for the App to ask every few seconds. On a team
        server one statement in autocommit (it needs no snapshot beyond its own), so no BEGIN
        and COMMIT round trips; the ORM's transaction only if that read fails."""
        from sqlalchemy import func, select

        from models.tables import AuditEntry

        if isinstance(self.database, ServerUrl):
            found = self._on_server(lambda connection: int(connection.execute(
                "SELECT max(id) FROM audit_log").fetchone()[0] or 0))
            if found is not None:
                return found
        return self._snapshot(lambda session: int(
            session.execute(select(func.max(AuditEntry.id))).scalar() or 0))

    # ----- calendar export and chronology (issue 16) --------------------------------------

    def calendar_events(self, *, worker: str | None = None,
                        within_days: int | None = None) -> list[CalendarEvent]:
        """The open deadlines `cin due --json` lists for this worker and window, from the
        same caseload rows, as calendar events (models.calendar_events)."""
        from models.calendar_events import calendar_events

        return calendar_events(self.caseload(worker=worker), today=self.today,
                               within_days=within_days, calendar=self.calendar,
                               amber_working_days=self.amber_working_days)

    def chronology(self, ref: str) -> Chronology:
        """Every recorded event of one case, oldest first (models.chronology). Raises
        `models.errors.CaseNotFound`."""
        from models.chronology import chronology

        def read(session: Session) -> Chronology:
            from models.queries import get_case_detail, siblings_of

            detail = get_case_detail(session, ref)
            return chronology(detail, policy=self.policies.get(detail.summary.policy_id),
                              siblings=[s.name for s in siblings_of(session, ref)])

        return self._snapshot(read)

    # ----- offline laptops (issue 14, models/sync_*.py): this database is the replica -------

    def sync_with(self, server: ServerUrl, *,
                  checkpoint: Callable[[str, str], None] | None = None) -> SyncReport:
        """Send what was recorded here since the last sync to the team server `server` (as
        the login the URL or libpq names) and fetch what changed there. Raises
        `models.sync_local.SyncError` (the server out of reach, another server's replica...),
        whose message says what to do."""
        from models.sync_local import SyncError
        from models.sync_run import sync

        if not isinstance(self.database, Path):
            raise SyncError(f"{self.database} is the team server itself; sync a laptop's own "
                            "file (--db PATH) with it")
        return sync(replica=self.database, server=server, policies=self.policies,
                    calendar=self.calendar, today=self.today, actor=self.actor,
                    checkpoint=checkpoint)

    def sync_conflicts(self) -> list[ConflictView]:
        """Fields changed here and on the team server, waiting for the worker's choice."""
        from models.sync_local import conflicts

        return self._snapshot(conflicts)

    def sync_refusals(self) -> list[RefusalView]:
        """Changes the team server refused, kept here with the reason."""
        from models.sync_local import refusals

        return self._snapshot(refusals)

    def resolve_conflict(self, conflict_id: int, *, keep: Keep) -> ConflictView:
        """Keep the server's value, or this laptop's (sent at the next sync); audited."""
        from models.sync_resolve import resolve_conflict
        from models.sync_session import change_transaction

        self.open()
        with change_transaction(self.engine) as session:  # the edit and the choice together
            return resolve_conflict(session, conflict_id, keep=keep, policies=self.policies,
                                    actor=self.actor, today=self.today)

    def discard_refusal(self, refusal_id: int) -> RefusalView:
        """Let go of a change the team server refused; audited."""
        from models.sync_resolve import discard_refusal

        return self._write(lambda session: discard_refusal(session, refusal_id,
                                                           actor=self.actor))
    # ----- the team view in two steps (issue 16) ------------------------------------------

    def team_facts(self) -> TeamFacts:
        """What `team_overview` is worked out from, read in one transaction: its `overview()`
        is the table (quick), its `with_trends(...)` the 12 months after, from the same
        facts, with no second read (the team view shows the table while the months are
        worked out)."""
        from models.supervision import read_team
        from models.trends import TREND_MONTHS

        return self._read(lambda session, store: read_team(
            session, policies=self.policies, calendar=self.calendar, today=self.today,
            amber_working_days=self.amber_working_days, store=store,
            trend_months=TREND_MONTHS))
