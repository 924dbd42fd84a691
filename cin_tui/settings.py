"""Where cin-tui keeps its settings and data, and what "today" is.

This module is the one place allowed to read the real date: everything else is handed `today`.
Settings live in a folder (the user's config dir, or `CIN_SETTINGS_DIR`) holding `settings.toml`,
the user's own policy packs (`policies/*.toml`) and the calendar files read by
`policies.calendar.load_calendar`.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.location import DatabaseLocation

SETTINGS_FILE = "settings.toml"
APP_NAME = "cin-tui"

DEFAULT_AMBER_WORKING_DAYS = 5
DEFAULT_BACKUPS_TO_KEEP = 10

_ACCEPTED_KEYS = ("worker", "amber_working_days", "backups_to_keep", "keymap", "screenshots_folder",
                  "team")
SCREENSHOTS_FOLDER = "screenshots"  # in the user's data folder, unless settings.toml says


class SettingsError(ValueError):
    """A setting, an environment variable or a command-line option that cannot be used."""


@dataclass(frozen=True, slots=True)
class Settings:
    worker: str                      # the name written to the audit trail
    amber_working_days: int = DEFAULT_AMBER_WORKING_DAYS
    backups_to_keep: int = DEFAULT_BACKUPS_TO_KEEP
    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> key
    folder: Path | None = None       # where these settings came from
    screenshots_folder: Path | None = None  # None: screenshots in the user's data folder
    keymap_lines: dict[str, int] = field(default_factory=dict)  # binding id -> its line
    # `[team] server = ...`: the team server this laptop syncs with (cin sync; issue 14), a
    # libpq URL without a password or a service name from pg_service.conf; None: no syncing.
    team_server: str | None = None

    @property
    def file(self) -> Path | None:
        return self.folder / SETTINGS_FILE if self.folder is not None else None


def settings_dir(env: Mapping[str, str] | None = None) -> Path:
    """The settings folder: `CIN_SETTINGS_DIR` if set, else the user's config dir."""
    env = os.environ if env is None else env
    configured = env.get("CIN_SETTINGS_DIR", "").strip()
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def _default_worker() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): still let the user work
        return "unknown worker"


def load_settings(folder: Path) -> Settings:
    """Read `<folder>/settings.toml`; a missing file means all defaults."""
    path = folder / SETTINGS_FILE
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return Settings(worker=_default_worker(), folder=folder)
    except OSError as error:
        raise SettingsError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: is not UTF-8 text") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: is not valid TOML ({error})") from None
    settings = _settings_from_table(raw, path, folder)
    return replace(settings, keymap_lines=keymap_lines(text)) if settings.keymap else settings


def keymap_lines(text: str) -> dict[str, int]:
    """The line (from 1) of each entry of the `[keymap]` table in settings.toml's `text`
    (`log_visit = "v"` under `[keymap]`, or `keymap.log_visit = "v"`), so a mistake in it can
    be reported by its line (tomllib gives values, not where they were)."""
    lines: dict[str, int] = {}
    in_keymap = False
    entry = re.compile(r"""\s*(?:keymap\s*\.\s*)?["']?([^"'=\s]+)["']?\s*=""")
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_keymap = stripped.strip("[] ") == "keymap"
            continue
        dotted = re.match(r"\s*keymap\s*\.", line) is not None
        if (in_keymap or dotted) and (found := entry.match(line)):
            lines.setdefault(found.group(1), number)
    return lines


def _settings_from_table(raw: dict, path: Path, folder: Path) -> Settings:
    unknown = sorted(set(raw) - set(_ACCEPTED_KEYS))
    if unknown:
        raise SettingsError(
            f"{path}: unknown setting {', '.join(unknown)}; "
            f"accepted: {', '.join(_ACCEPTED_KEYS)}"
        )
    worker = raw.get("worker")
    if worker is None:
        worker = _default_worker()
    elif not isinstance(worker, str) or not worker.strip():
        raise SettingsError(
            f'{path}: worker: expected your name as text, e.g. worker = "Sam Patel"')
    amber = _whole_number(raw, "amber_working_days", DEFAULT_AMBER_WORKING_DAYS, path, upper=60)
    # At least one: with none kept, the backup just made would be deleted as it was named.
    backups = _whole_number(raw, "backups_to_keep", DEFAULT_BACKUPS_TO_KEEP, path,
                            lower=1, upper=1000)
    keymap = raw.get("keymap", {})
    if not isinstance(keymap, dict):
        raise SettingsError(f'{path}: keymap: expected a table, e.g. [keymap] then log_visit = "v"')
    for binding_id, key in keymap.items():
        if not isinstance(key, str) or not key.strip():
            raise SettingsError(
                f'{path}: keymap.{binding_id}: expected a key as text, e.g. {binding_id} = "ctrl+v"'
            )
    return Settings(
        worker=worker.strip(),
        amber_working_days=amber,
        backups_to_keep=backups,
        keymap=dict(keymap),
        folder=folder,
        screenshots_folder=_folder(raw, "screenshots_folder", path, folder),
        team_server=_team_server(raw.get("team"), path),
    )


_SERVICE_NAME = re.compile(r"[A-Za-z0-9_.-]+")


def _team_server(team: object, path: Path) -> str | None:
    """`[team] server`: a PostgreSQL URL without a password, or a pg_service.conf service name
    (given back as the URL `postgresql:///?service=NAME`)."""
    example = '[team] then server = "postgresql://cin.council.local/cin?sslmode=verify-full"'
    if team is None:
        return None
    if not isinstance(team, dict) or set(team) - {"server"}:
        raise SettingsError(f"{path}: team: expected a table with one setting, server, e.g. "
                            f"{example}")
    server = team.get("server")
    if server is None:
        return None
    if not isinstance(server, str) or not server.strip():
        raise SettingsError(f"{path}: team.server: expected the server as text, e.g. {example}")
    from models.location import BadDatabaseLocation, is_server_url, parse_location

    server = server.strip()
    if not is_server_url(server):
        if not _SERVICE_NAME.fullmatch(server):
            raise SettingsError(f"{path}: team.server: expected a postgresql:// URL or a "
                                f"service name from pg_service.conf, e.g. {example}")
        return f"postgresql:///?service={server}"
    try:
        return str(parse_location(server))
    except BadDatabaseLocation as error:
        raise SettingsError(f"{path}: team.server: {error}") from None


def _folder(raw: dict, key: str, path: Path, settings_folder: Path) -> Path | None:
    """A folder named in settings.toml: `~` is the home folder, a relative name is inside the
    settings folder."""
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(
            f'{path}: {key}: expected a folder as text, e.g. {key} = "~/cin-screenshots"')
    return settings_folder / Path(value.strip()).expanduser()


def screenshots_folder(settings: Settings | None) -> Path:
    """Where screenshots go: `screenshots_folder` from settings.toml, else the `screenshots`
    folder of the user's data folder (beside the default database, never ~/Downloads: they
    show children's names)."""
    if settings is not None and settings.screenshots_folder is not None:
        return settings.screenshots_folder
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / SCREENSHOTS_FOLDER


def _whole_number(raw: dict, key: str, default: int, path: Path, *, upper: int,
                  lower: int = 0) -> int:
    value = raw.get(key, default)
    # bool is an int in Python: `amber_working_days = true` is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int) or not lower <= value <= upper:
        raise SettingsError(
            f"{path}: {key}: expected a whole number from {lower} to {upper}, got {value!r}")
    return value


def resolve_today(arg: str | None, env: Mapping[str, str] | None = None) -> date:
    """`--today` beats `CIN_TODAY` beats the real date (any date format parse_date accepts)."""
    env = os.environ if env is None else env
    for source, text in (("--today", arg), ("CIN_TODAY", env.get("CIN_TODAY"))):
        if text is not None and text.strip():
            from policies.dates import DateParseError, parse_date

            try:
                return parse_date(text)
            except DateParseError as error:
                raise SettingsError(f"{source}: {error}") from None
    return date.today()  # the one sanctioned read of the real date


def resolve_database(
    arg: str | None, env: Mapping[str, str] | None = None, *, default: Path | None = None
) -> DatabaseLocation:
    """`--db` beats `CIN_DB` beats `default` (if given) beats the database in the user's data
    dir. A file name is a Path; `postgresql://host/dbname` (or `postgresql:///dbname?service=
    NAME`) a team server's `ServerUrl`, refused when it carries a password."""
    from models.location import BadDatabaseLocation, parse_location

    env = os.environ if env is None else env
    for source, text in (("--db", arg), ("CIN_DB", env.get("CIN_DB"))):
        if text is not None and text.strip():
            try:
                return parse_location(text)
            except BadDatabaseLocation as error:
                raise SettingsError(f"{source}: {error}") from None
    if default is not None:
        return default
    from models.db import default_database_path

    return default_database_path()
