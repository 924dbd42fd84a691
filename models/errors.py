"""Database problems a user can act on, each with a message saying what happened, to which file,
and what to do next. The CLI and the TUI print `str(error)`; no traceback reaches the user."""

from __future__ import annotations

from pathlib import Path


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


class DatabaseReadOnly(DatabaseError):
    def __init__(self, path: Path | str | None) -> None:
        super().__init__(
            path,
            "The database file is read-only, so changes cannot be saved",
            "Ask IT to give your account write access to the file, or copy it to a folder you "
            "can write to and point cin at the copy with --db PATH or CIN_DB.",
        )


class DatabaseCorrupt(DatabaseError):
    def __init__(self, path: Path | str | None, latest_backup: Path | None = None) -> None:
        self.latest_backup = latest_backup
        if latest_backup is not None:
            todo = (
                f"The latest backup is {latest_backup}; restore it with "
                f"`cin restore {latest_backup}`. The damaged file is left as it is."
            )
        else:
            todo = (
                "No backup was found. Keep the file (IT may be able to recover it) and start a "
                "new database with --db PATH."
            )
        super().__init__(path, "The database file is damaged or is not a cin database", todo)


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


class CaseNotFound(LookupError):
    def __init__(self, ref: str) -> None:
        self.ref = ref
        super().__init__(f"No case with reference {ref!r}.")

    def __str__(self) -> str:  # LookupError would repr() the message
        return str(self.args[0])
