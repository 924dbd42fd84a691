"""Where the database is: an SQLite file (a Path, one worker, offline) or a PostgreSQL
database on a team server (a `ServerUrl`).

A server URL follows libpq's conventions (`postgresql://host/dbname`,
`postgresql:///dbname?service=NAME`, `sslmode=...`): libpq itself reads pg_service.conf,
PGSERVICE, .pgpass / PGPASSFILE and the rest. A password in the URL is refused: it would sit
in the shell's history, the process list or settings.toml.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

SERVER_SCHEMES = ("postgresql", "postgres")


class BadDatabaseLocation(ValueError):
    """A --db / CIN_DB value that cannot be used; the message says why and what would do."""


@dataclass(frozen=True, slots=True)
class ServerUrl:
    """A PostgreSQL database, as a libpq URL without a password."""

    url: str

    def __str__(self) -> str:
        return self.url

    @property
    def sqlalchemy_url(self) -> str:
        """The same URL for SQLAlchemy's psycopg (3) driver."""
        return "postgresql+psycopg" + self.url[self.url.index(":"):]


DatabaseLocation = Path | ServerUrl


def is_server_url(text: str) -> bool:
    return text.strip().lower().startswith(tuple(f"{s}:" for s in SERVER_SCHEMES))


def _home_expanded(path: Path) -> Path:
    """`~/cin.db` in the home folder; `~someone/...` of a user this machine does not know is
    kept as written, as a shell keeps it."""
    try:
        return path.expanduser()
    except RuntimeError:
        return path


def parse_location(text: str | Path) -> DatabaseLocation:
    """A Path for a file name, a `ServerUrl` for `postgresql://...`; raises
    `BadDatabaseLocation` for a server URL that carries a password."""
    if isinstance(text, Path):
        return _home_expanded(text)
    text = text.strip()
    if not is_server_url(text):
        return _home_expanded(Path(text))
    parts = urlsplit(text)
    query = {key.lower() for key in parse_qs(parts.query, keep_blank_values=True)}
    if parts.password is not None or "password" in query:
        raise BadDatabaseLocation(
            "the database URL carries a password; cin never takes one on the command line or "
            "in settings. Leave it out (postgresql://user@host/dbname) and let PostgreSQL find "
            "it: a ~/.pgpass file (or PGPASSFILE), or a service in pg_service.conf "
            "(postgresql:///dbname?service=NAME). See docs/deploy.md.")
    return ServerUrl("postgresql" + text[text.index(":"):])


def location_of(value: DatabaseLocation | str) -> DatabaseLocation:
    """`value` as a location (a str is parsed: callers and tests may pass either)."""
    return value if isinstance(value, ServerUrl) else parse_location(value)
