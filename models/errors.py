"""Database problems a user can act on, each with a message saying what happened, to which file,
and what to do next. The CLI and the TUI print `str(error)`; no traceback reaches the user."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from policies.dates import format_date


class DatabaseError(Exception):
    """A database file cannot be opened, read or written."""

    def __init__(self, path: Path | str | None, what: str, todo: str) -> None:
        self.path = Path(path) if path is not None else None
        self.what = what
        self.todo = todo
        where = f" ({self.path})" if self.path is not None else ""
        super().__init__(f"{what}{where}. {todo}")


class DatabaseLocked(DatabaseError):
    def __init__(self, path: Path | str | None) -> None:
        super().__init__(
            path,
            "The database is busy: another copy of cin is saving to it",
            "Wait a moment and try again; if it stays locked, close the other copy of cin "
            "(another window or terminal) and retry. Nothing was saved by this attempt.",
        )


class ServerUnreachable(DatabaseError):
    """A team server (PostgreSQL) refused the connection or could not be reached."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            None,
            f"The team server cannot be reached: {reason}",
            "Check the --db / CIN_DB address (or the service in pg_service.conf), your network "
            "or VPN, and your password in ~/.pgpass; if it stays so, ask IT whether the server "
            "is running. Nothing was saved by this attempt.",
        )


class DatabaseReadOnly(DatabaseError):
    def __init__(self, path: Path | str | None) -> None:
        super().__init__(
            path,
            "The database file is read-only, so changes cannot be saved",
            "Ask IT to give your account write access to the file, or copy it to a folder you "
            "can write to and point cin at the copy with --db PATH or CIN_DB.",
        )


class DatabaseCorrupt(DatabaseError):
    """`latest_backup` is a backup checked to be sound (and of this caseload, where the damaged
    file still says which caseload it was); `backup_facts` describes it for the message."""

    def __init__(self, path: Path | str | None, latest_backup: Path | None = None,
                 backup_facts: str = "", found: str = "") -> None:
        self.latest_backup = latest_backup
        todo = f"{restore_advice(latest_backup, backup_facts)} The damaged file is left as it is."
        if latest_backup is None:
            todo = (
                "No backup was found that is sound and of this caseload. Keep the file (IT may "
                "be able to recover it); if you have a backup of this caseload, put it back "
                "with `cin restore BACKUP`, otherwise start a new database with --db PATH. The "
                "file is left as it is."
            )
        found_text = f"cin found {found}. " if found else ""
        super().__init__(path, "The database file is damaged or is not a cin database",
                         found_text + todo)


class NotACinDatabase(DatabaseError):
    """Something other than a cin database is at the database path: cin never writes to it.
    An empty file may be put right with a restore; another program's file is not replaced."""

    def __init__(self, path: Path | str | None, found: str, latest_backup: Path | None = None,
                 backup_facts: str = "", *, replaceable: bool = False) -> None:
        self.found = found
        self.latest_backup = latest_backup
        elsewhere = ("choose another path with --db PATH or CIN_DB (cin makes a new database "
                     "only where there is no file)")
        if not replaceable:
            todo = (f"For your caseload, {elsewhere}. If your caseload should be at this path, "
                    "move this file away first, then put a backup back with `cin restore BACKUP`.")
        elif latest_backup is not None:
            advice = restore_advice(latest_backup, backup_facts)
            todo = f"If your caseload should be here: t{advice[1:]} Otherwise {elsewhere}."
        else:
            todo = ("If your caseload should be here, put a backup of it back with "
                    f"`cin restore BACKUP`; otherwise {elsewhere}.")
        super().__init__(path, f"The database path holds {found}, not a cin database",
                         f"cin has not changed it. {todo}")


class AuditGuardMissing(DatabaseError):
    def __init__(self, path: Path | str | None, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(
            path,
            "The audit trail is not protected: its guard (trigger "
            f"{', '.join(missing)}) has been removed outside cin, so cin will not save changes",
            "Reading still works. Put the guard back with `cin repair-audit-guard` (that repair "
            "is itself recorded in the audit trail), and ask whoever removed it why; entries "
            "changed or deleted while it was off can be compared with a backup.",
        )


class RestoreRefused(DatabaseError):
    """A restore that was checked and refused before the database was touched."""

    def __init__(self, backup: Path | str, what: str, todo: str) -> None:
        super().__init__(backup, what, f"{todo} Nothing was changed.")


def restore_advice(backup: Path | None, facts: str = "") -> str:
    detail = f" ({facts})" if facts else ""
    return (f"The newest sound backup of it is {backup}{detail}; put it back with "
            f"`cin restore {backup}`.")


class DatabaseFolderNotWritable(DatabaseError):
    def __init__(self, path: Path | str | None, reason: str = "") -> None:
        detail = f" ({reason})" if reason else ""
        super().__init__(
            path,
            f"The folder for the database cannot be written to{detail}",
            "Choose a folder you can write to with --db PATH or CIN_DB, or ask IT for access.",
        )


class DatabaseWriteFailed(DatabaseError):
    def __init__(self, path: Path | str | None, reason: str = "") -> None:
        detail = f" ({reason})" if reason else ""
        super().__init__(
            path,
            f"The database could not be written to disk{detail}",
            "The last change was not saved. Check the disk has free space and is still "
            "connected, then try again.",
        )


class DatabaseTooNew(DatabaseError):
    def __init__(self, path: Path | str | None, revision: str) -> None:
        super().__init__(
            path,
            f"The database was made by a newer version of cin (schema {revision})",
            "Install the newer version of cin to open it; this version will not change it.",
        )


class NotPermitted(DatabaseError):
    """A team server refused a change this login may not make (row-level security, grants)."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            None,
            f"The team server refused this change: {reason}",
            "On a team server a worker changes only the cases allocated to them, and only a "
            "manager of the case's team writes oversight notes: ask the case's worker or your "
            "manager. Nothing was saved by this attempt.",
        )


class ServerNeedsUpgrade(DatabaseError):
    """A staff login opened a team server whose schema is older than this version of cin:
    only the database's owner may migrate it."""

    def __init__(self) -> None:
        super().__init__(
            None,
            "The team server's database is older than this version of cin, and only its "
            "owner may upgrade it",
            "Ask IT to upgrade it (as the database's owner: cin --db URL server init), then "
            "try again. Nothing was changed.",
        )


class CaseNeedsTeam(DatabaseError):
    """A case without a team on a team server (the constraint `cin_case_has_team`)."""

    def __init__(self) -> None:
        super().__init__(
            None,
            "On a team server every case belongs to a team, and this case has none (nobody "
            "could see it)",
            "Give it its team: a \"team\" in the import file, or cin edit-case REF --team "
            "TEAM. Nothing was saved by this attempt.",
        )


class CaseNotFound(LookupError):
    def __init__(self, ref: str) -> None:
        self.ref = ref
        super().__init__(f"No case with reference {ref!r}.")

    def __str__(self) -> str:  # LookupError would repr() the message
        return str(self.args[0])


@dataclass(frozen=True)
class CaseChange:
    """One audited change to a case: who, when (UTC) and what (the audit summary)."""

    at: datetime
    actor: str
    summary: str

    def words(self) -> str:
        at = self.at if self.at.tzinfo is not None else self.at.replace(tzinfo=UTC)
        local = at.astimezone()
        return (f"{self.actor} at {local.strftime('%H:%M')} on {format_date(local.date())}: "
                f"{self.summary}")


class ChangedMeanwhile(Exception):
    """A save made against version `expected` of case `ref` (the one a form showed, or
    `--expect-version`) while the case is at `current`: someone else changed it meanwhile.
    Nothing was saved. `changes` are the audited changes since, oldest first; `what_happened`
    says who changed what and when, `str()` adds what to do in a form."""

    def __init__(self, ref: str, *, expected: int, current: int,
                 changes: Sequence[CaseChange]) -> None:
        self.ref = ref
        self.expected = expected
        self.current = current
        self.changes = tuple(changes)
        if self.changes:
            listed = "; ".join(change.words() for change in self.changes)
            what = f"changed by {listed}"
        else:
            what = f"changed by someone else (now at version {current})"
        self.what_happened = (f"Not saved: case {ref} was {what}, since you opened it "
                              f"(version {expected}).")
        super().__init__(f"{self.what_happened} Your text is kept: check the case and save "
                         "again (ctrl+s) to apply it to the case as it is now.")

    def __str__(self) -> str:
        return str(self.args[0])
