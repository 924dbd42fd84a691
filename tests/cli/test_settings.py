"""Settings folder, settings.toml, and where "today" and the database come from."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cin_tui.settings import (
    SettingsError,
    load_settings,
    resolve_database,
    resolve_today,
    settings_dir,
)


def test_today_option_beats_environment_beats_real_date():
    env = {"CIN_TODAY": "2026-11-30"}
    assert resolve_today("2026-11-23", env) == date(2026, 11, 23)
    assert resolve_today(None, env) == date(2026, 11, 30)
    assert resolve_today(None, {}) == date.today()  # the one sanctioned read of the real date


def test_today_is_read_day_first():
    assert resolve_today("03/04/2026", {}) == date(2026, 4, 3)   # 3 April, not 4 March
    assert resolve_today(None, {"CIN_TODAY": "3 Apr 2026"}) == date(2026, 4, 3)


def test_a_bad_today_names_where_it_came_from():
    with pytest.raises(SettingsError) as error:
        resolve_today(None, {"CIN_TODAY": "31/02/2026"})
    assert str(error.value) == ('CIN_TODAY: "31/02/2026" is not a real date: February 2026 has '
                                "28 days. Use DD/MM/YYYY or YYYY-MM-DD.")
    with pytest.raises(SettingsError, match=r"^--today: "):
        resolve_today("tomorrow", {})


def test_database_option_beats_environment_beats_default(tmp_path):
    env = {"CIN_DB": str(tmp_path / "env.db")}
    assert resolve_database(str(tmp_path / "arg.db"), env) == tmp_path / "arg.db"
    assert resolve_database(None, env) == tmp_path / "env.db"
    default = resolve_database(None, {})
    assert default.name == "cin.db" and "cin-tui" in str(default)
    assert resolve_database(None, {}, default=tmp_path / "demo.db") == tmp_path / "demo.db"


def test_settings_folder_from_environment(tmp_path):
    assert settings_dir({"CIN_SETTINGS_DIR": str(tmp_path)}) == tmp_path
    assert "cin-tui" in str(settings_dir({}))


def test_settings_defaults_when_there_is_no_file(tmp_path):
    settings = load_settings(tmp_path)
    assert settings.amber_working_days == 5
    assert settings.backups_to_keep == 10
    assert settings.keymap == {}
    assert settings.worker  # the login name


def test_settings_file(tmp_path):
    (tmp_path / "settings.toml").write_text(
        'worker = "Sam Patel"\namber_working_days = 3\nbackups_to_keep = 2\n'
        '[keymap]\nlog_visit = "ctrl+v"\n', encoding="utf-8")
    settings = load_settings(tmp_path)
    assert (settings.worker, settings.amber_working_days, settings.backups_to_keep) == (
        "Sam Patel", 3, 2)
    assert settings.keymap == {"log_visit": "ctrl+v"}


@pytest.mark.parametrize(("text", "message"), [
    ("worker = 3\n", 'worker: expected your name as text, e.g. worker = "Sam Patel"'),
    ("amber_working_days = -1\n",
     "amber_working_days: expected a whole number from 0 to 60, got -1"),
    ("amber_working_days = true\n",
     "amber_working_days: expected a whole number from 0 to 60, got True"),
    ("backups_to_keep = 'ten'\n",
     "backups_to_keep: expected a whole number from 1 to 1000, got 'ten'"),
    ("backups_to_keep = 0\n", "backups_to_keep: expected a whole number from 1 to 1000, got 0"),
    ("colour = 'blue'\n", "unknown setting colour; accepted: worker, amber_working_days, "
                          "backups_to_keep, keymap, screenshots_folder, team"),
    ("screenshots_folder = 3\n",
     "screenshots_folder: expected a folder as text, "
     'e.g. screenshots_folder = "~/cin-screenshots"'),
    ("keymap = 'v'\n", 'keymap: expected a table, e.g. [keymap] then log_visit = "v"'),
    ("[keymap]\nlog_visit = 1\n",
     'keymap.log_visit: expected a key as text, e.g. log_visit = "ctrl+v"'),
])
def test_bad_settings_say_what_is_accepted(tmp_path, text, message):
    (tmp_path / "settings.toml").write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as error:
        load_settings(tmp_path)
    assert str(error.value) == f"{tmp_path / 'settings.toml'}: {message}"


def test_settings_that_are_not_toml(tmp_path):
    (tmp_path / "settings.toml").write_text("worker = \n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"settings.toml: is not valid TOML \("):
        load_settings(tmp_path)


def test_the_worker_name_goes_into_the_audit_trail(cin, settings_dir, db, tmp_path):
    import sqlite3

    (settings_dir / "settings.toml").write_text('worker = "Sam Patel"\n', encoding="utf-8")
    path = tmp_path / "c.json"
    path.write_text('{"cases": [{"ref": "C-1", "name": "A", "allocated": "2026-09-01", '
                    '"policy": "wirral"}]}', encoding="utf-8")
    assert cin("import", str(path)).code == 0
    with sqlite3.connect(db) as connection:
        actors = connection.execute(
            "SELECT DISTINCT actor FROM audit_log WHERE action = 'import'").fetchall()
    assert actors == [("Sam Patel",)]


def test_bad_settings_stop_a_command_with_the_message(cin, settings_dir, tmp_path):
    (settings_dir / "settings.toml").write_text("amber_working_days = 'x'\n", encoding="utf-8")
    path = tmp_path / "c.json"
    path.write_text('{"cases": []}', encoding="utf-8")
    result = cin("import", str(path))
    assert result.code == 1
    assert result.err == (f"cin: {Path(settings_dir) / 'settings.toml'}: amber_working_days: "
                          "expected a whole number from 0 to 60, got 'x'\n")
