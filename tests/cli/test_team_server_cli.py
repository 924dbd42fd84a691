"""`cin --db postgresql://...`: a team server's database through the same commands (issue 13,
item 1). Needs a PostgreSQL server (tests/pg_server.py); the refusals do not."""

from __future__ import annotations

import json

import pytest

from .cli_helpers import case, write_json


def test_a_password_in_the_url_is_refused_without_a_traceback(cin):
    result = cin("due", database="postgresql://sam:hunter2@db.council.local/cin")
    assert result.code != 0
    assert "--db" in result.err and "password" in result.err and ".pgpass" in result.err
    assert "hunter2" not in result.err + result.out
    assert "Traceback" not in result.err


def test_cin_db_from_the_environment_is_checked_too(cin, monkeypatch):
    monkeypatch.setenv("CIN_DB", "postgresql://sam:hunter2@db.council.local/cin")
    result = cin("due", database=None)
    assert result.code != 0 and "CIN_DB" in result.err and "hunter2" not in result.err


@pytest.mark.parametrize("command", [["backup"], ["restore", "old.db"], ["repair-audit-guard"],
                                     ["demo", "--no-tui"]])
def test_file_only_commands_on_a_server_say_what_to_use(cin, command):
    result = cin(*command, database="postgresql://db.council.local/cin")
    assert result.code != 0
    assert "Traceback" not in result.err
    if command[0] == "demo":
        assert "file name" in result.err
    else:
        assert "pg_dump" in result.err and "docs/deploy.md" in result.err


def test_import_then_due_on_a_team_server(cin, tmp_path, postgres_server):
    name, url = postgres_server.new_database()
    try:
        # Wirral 2.11: seen every 20 working days. Seen Mon 2 Nov 2026: +5 WD is Mon 9 Nov,
        # +10 Mon 16, +15 Mon 23, +20 Mon 30 Nov 2026 (no bank holiday in November); from
        # today, Mon 23 Nov, that is 5 working days: due soon (amber window 5).
        source = write_json(tmp_path / "cases.json", [case(
            "T-0001", name="Team Child", worker="Sam Patel",
            visits=[{"date": "2026-11-02", "seen": True}])])
        imported = cin("import", str(source), database=url.url)
        assert imported.code == 0, imported.err
        due = cin("due", "--json", database=url.url)
        assert due.code == 0, due.err
        [row] = [item for item in json.loads(due.out)
                 if item["ref"] == "T-0001" and "2.11" in item["source"]]
        assert (row["due"], row["status"], row["countdown"]) == ("2026-11-30", "due_soon", 5)
        assert row["worker"] == "Sam Patel" and row["name"] == "Team Child"
        assert not (tmp_path / "cases.db").exists()  # nothing went to a local file
    finally:
        postgres_server.drop(name)


def test_a_server_that_cannot_be_reached_is_a_message_not_a_traceback(cin, tmp_path):
    # A unix-socket folder with no server in it: the connection fails at once, offline.
    result = cin("due", database=f"postgresql:///cin?host={tmp_path}")
    assert result.code == 1
    assert "team server cannot be reached" in result.err and "pg_service.conf" in result.err
    assert "Traceback" not in result.err and "OperationalError" not in result.err
