"""`cin sync`: a laptop's replica and the team server exchange what changed (issue 14).

1. Connect to the server as the worker's own login (so its row-level security and audit actor
   apply) and check the replica belongs to it (models.sync_local.link_to_server).
2. Send: the changes the server refused before (kept on the laptop), then everything recorded
   on the laptop since the last sync (models.sync_changes), each change in one server
   transaction through the server's own commands (models.sync_push). Conflicts and refusals
   are kept on the replica after the server has answered.
3. Fetch: every case the server changed since the last sync (by version) or that the laptop
   changed, replacing the replica's copy and its base in one replica transaction; cases no
   longer visible leave the laptop.

Each step is recorded on the replica only after the server committed it, and everything sent
is recognised on the server when sent again (uids, values): a sync cut off at any point and
run again duplicates nothing and loses nothing. `checkpoint(name, words)` is called at each
named point ("connected", "sent", "recorded", "refused", "fetched", "finished"), for progress
(`cin sync` streams the words to stderr, the sync screen shows them) and for tests that stop
a sync there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy.exc
from sqlalchemy import Engine, select, text

from models.db import make_engine, open_database, session_scope
from models.errors import CaseNotFound, ChangedMeanwhile, NotPermitted, ServerUnreachable
from models.location import ServerUrl
from models.migrate import current_revision, head_revision
from models.sync_changes import Change, laptop_changes
from models.sync_local import (
    ConflictView,
    RefusalView,
    SyncError,
    base_of,
    bases,
    conflicts,
    drop_base,
    finished,
    forget_refusal,
    keep_conflict,
    keep_refusal,
    link_to_server,
    local_audit,
    refusals,
    set_base,
)
from models.sync_push import Environment, send
from models.sync_session import change_transaction
from models.sync_snapshot import (
    CASES,
    read_snapshot,
    remove_case,
    store_snapshot,
    visible_versions,
)
from models.validation import ValidationFailed

Checkpoint = Callable[[str, str], None]  # (point, what happened in words)
# What the server may refuse a change with; anything else (a lost connection) stops the sync.
# NotPermitted: row-level security or a grant said no (the server's own words for it).
_REFUSED = (ValidationFailed, CaseNotFound, ChangedMeanwhile, NotPermitted,
            sqlalchemy.exc.ProgrammingError, sqlalchemy.exc.IntegrityError)


@dataclass
class SyncReport:
    """What one sync did, and what waits for the worker."""

    server: str
    first: bool = False
    sent: list[str] = field(default_factory=list)  # what the server took, in words
    already: int = 0  # changes the server had already (a sync cut off before)
    refused: list[str] = field(default_factory=list)  # refused this time, in words
    fetched: list[str] = field(default_factory=list)  # refs brought up to date
    removed: list[str] = field(default_factory=list)  # refs no longer yours to see
    conflicts: list[ConflictView] = field(default_factory=list)  # all waiting, after it
    refusals: list[RefusalView] = field(default_factory=list)  # all kept, after it


def sync(*, replica: Path, server: ServerUrl, policies: Mapping[str, Any], calendar: Any,
         today: date, actor: str, checkpoint: Checkpoint | None = None) -> SyncReport:
    """Sync the replica file `replica` with `server`. Raises SyncError (the message says
    what to do) when the sync cannot start, or cannot finish."""
    def point(name: str, words: str = "") -> None:
        if checkpoint is not None:
            checkpoint(name, words)

    server_engine = make_engine(server)
    try:
        try:
            identity = server_identity(server_engine)
        except ServerUnreachable as error:
            raise SyncError(
                f"{error.what}. Check the team server's address ([team] server in settings."
                "toml, or --server), your network or VPN, and your password in ~/.pgpass. "
                "Nothing was changed: everything recorded on this laptop is kept for the next "
                "sync.") from None
        replica_engine = open_database(replica)
        try:
            run = _Run(server_engine, replica_engine, Environment(policies, calendar, today, actor),
                       SyncReport(server=str(server)), point)
            return run.all(str(server), identity)
        except ServerUnreachable as error:
            raise SyncError(
                f"the connection to the team server was lost part way ({error.what}). What "
                "was sent is safe on the server and noted here; run the sync again to finish: "
                "nothing is sent twice, nothing recorded here is lost.") from None
        finally:
            replica_engine.dispose()
    finally:
        server_engine.dispose()


def server_identity(engine: Engine) -> str:
    """The server's database identity, after checking its schema is this cin's."""
    with session_scope(engine, write=False) as session:
        revision = current_revision(engine)
        if revision != head_revision():
            raise SyncError(
                f"the team server's database is at schema {revision or 'none'}, this cin "
                f"expects {head_revision()}; nothing was changed. Ask IT to run `cin server "
                "init` with this version of cin.")
        found = session.execute(text("SELECT uuid FROM database_identity")).scalar()
    if found is None:
        raise SyncError("the team server's database has no identity; ask IT to run "
                        "`cin server init`.")
    return str(found)


class _Run:
    def __init__(self, server: Engine, replica: Engine, env: Environment, report: SyncReport,
                 point: Callable[[str, str], None]) -> None:
        self.server, self.replica, self.env, self.report = server, replica, env, report
        self.point = point

    def all(self, server_text: str, identity: str) -> SyncReport:
        with session_scope(self.replica) as local:
            self.report.first = link_to_server(local, server_text, identity)
        self.point("connected", f"Connected to {server_text}")
        with session_scope(self.replica, write=False) as local:
            kept = [refusal.change for refusal in refusals(local)]
        self._send_in_order(kept)  # tried again first, oldest first
        pending = self._laptop_changes()
        for ref_changes in pending.values():
            self._send_in_order(ref_changes)
        self._fetch(pending)
        with session_scope(self.replica) as local:
            finished(local)
            self.report.conflicts, self.report.refusals = conflicts(local), refusals(local)
        self.point("finished", "Sync finished")
        return self.report

    def _laptop_changes(self) -> dict[str, list[Change]]:
        with session_scope(self.replica, write=False) as local:
            base_of = bases(local)
            refs = sorted(set(base_of) | set(local.execute(select(CASES.c.ref)).scalars()))
            pending: dict[str, list[Change]] = {}
            for ref in refs:
                snapshot = read_snapshot(local, ref)
                if snapshot is not None:
                    pending[ref] = laptop_changes(base_of.get(ref), snapshot)
        return pending

    def _send_in_order(self, changes: list[Change]) -> None:
        """Send each change in turn; once a case added on the laptop is refused, the rest of
        that case's changes are kept unsent (the server may hold another child under the
        same reference)."""
        case_refused: set[str] = set()
        for change in changes:
            if change.ref in case_refused:
                self._refuse(change, "not sent: the team server refused the case itself (see "
                                     "that refusal)")
            elif not self._send(change) and change.kind == "add_case":
                case_refused.add(change.ref)

    def _send(self, change: Change) -> bool:
        """Send one change; False when the server refused it (then kept on the laptop)."""
        try:
            with change_transaction(self.server) as session:
                outcome = send(session, change, self.env)
        except _REFUSED as error:
            self._refuse(change, refusal_reason(error))
            return False
        self.point("sent", f"Sent {change.summary()}" if outcome.done else "")
        with session_scope(self.replica) as local:
            forget_refusal(local, change)
            for conflict in outcome.conflicts:
                keep_conflict(local, conflict)
        if outcome.done:
            self.report.sent.append(change.summary())
        elif not outcome.conflicts:
            self.report.already += 1
        self.point("recorded", "")
        return True

    def _refuse(self, change: Change, reason: str) -> None:
        with session_scope(self.replica) as local:
            keep_refusal(local, change, reason)
        self.report.refused.append(f"{change.summary()}: {reason}")
        self.point("refused", f"Refused {change.summary()}: {reason}")

    def _fetch(self, pending: dict[str, list[Change]]) -> None:
        with session_scope(self.server, write=False) as session:
            versions = visible_versions(session)
        with session_scope(self.replica, write=False) as local:
            base_of = {ref: snapshot["version"] for ref, snapshot in bases(local).items()}
            here = set(local.execute(select(CASES.c.ref)).scalars())
        for ref, version in sorted(versions.items()):
            if ref in here and base_of.get(ref) == version and not pending.get(ref):
                continue
            with session_scope(self.server, write=False) as session:
                snapshot = read_snapshot(session, ref)
            if snapshot is None:
                continue  # gone between the two reads: the next sync sees it
            with session_scope(self.replica) as local:
                if not self._unchanged_since(local, ref, pending):
                    continue  # recorded here while this sync ran: sent by the next one
                store_snapshot(local, snapshot)
                set_base(local, snapshot)
                local_audit(local, ref, "sync_fetch",
                            "Brought up to date from the team server", version=version)
            self.report.fetched.append(ref)
            self.point("fetched", f"Fetched {ref}")
        for ref in sorted((set(base_of) | here) - set(versions)):
            with session_scope(self.replica) as local:
                if not self._unchanged_since(local, ref, pending):
                    continue
                remove_case(local, ref)
                drop_base(local, ref)
                local_audit(local, ref, "sync_remove",
                            "Taken off this laptop: the team server no longer shows you this "
                            "case (moved to another team, or removed)")
            self.report.removed.append(ref)
            self.point("fetched", f"Removed {ref}")

    @staticmethod
    def _unchanged_since(local: Any, ref: str, pending: dict[str, list[Change]]) -> bool:
        """Whether the laptop's copy of `ref` has the changes it had when the sync began."""
        snapshot = read_snapshot(local, ref)
        if snapshot is None:
            return not pending.get(ref)
        base = base_of(local, ref)
        return laptop_changes(base, snapshot) == pending.get(ref, [])


def refusal_reason(error: BaseException) -> str:
    """Why the server refused a change, in the words a worker can act on."""
    if isinstance(error, ValidationFailed):
        return "; ".join(e.message for e in error.errors)
    if isinstance(error, NotPermitted):  # what the server said, and who may make the change
        todo = error.todo.partition(" Nothing was saved")[0]
        return f"{error.what[:1].lower()}{error.what[1:]}. {todo}"
    if isinstance(error, sqlalchemy.exc.DBAPIError):
        first = (str(error.orig).strip().splitlines() or [type(error.orig).__name__])[0]
        if "row-level security" in first or "permission denied" in first:
            return ("the team server does not let you change this case (it may have been "
                    f"reallocated, or be another team's): {first}")
        return f"the team server refused it: {first}"
    return str(error)
