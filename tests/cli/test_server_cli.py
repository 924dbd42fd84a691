"""`cin server init` and `cin server add-user` (issue 13, item 3): IT's two commands, as
docs/deploy.md gives them. The refusals need no server; the rest a PostgreSQL one
(tests/pg_server.py)."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest


def test_server_commands_on_an_sqlite_file_say_what_to_give(cin):
    result = cin("server", "init")
    assert result.code != 0 and "Traceback" not in result.err
    assert "SQLite file" in result.err and "postgresql://" in result.err


@pytest.fixture
def server_db(postgres_server):
    name, url = postgres_server.new_database()
    logins: list[str] = []
    yield url, logins
    postgres_server.drop(name)
    with psycopg.connect(postgres_server.admin_url, autocommit=True) as connection:
        for login in logins:
            connection.execute(f'DROP ROLE IF EXISTS "{login}"')


def _as(url, login: str) -> str:
    parts = urlsplit(url.url)
    return urlunsplit(parts._replace(netloc=f"{login}@{parts.netloc.rpartition('@')[2]}"))


def test_init_then_add_users_from_a_file_and_a_prompt(cin, server_db, tmp_path, monkeypatch):
    url, logins = server_db
    sam, kim = f"sam_{uuid.uuid4().hex[:8]}", f"kim_{uuid.uuid4().hex[:8]}"
    logins += [sam, kim]
    added = cin("server", "add-user", sam, "--name", "Sam Patel", "--role", "worker",
                "--team", "North", "--password-file", str(tmp_path / "none"),
                database=str(url))
    assert added.code != 0 and "Traceback" not in added.err  # no such file yet

    first = cin("server", "init", database=str(url))
    assert first.code == 0, first.err
    assert "cin_worker" in first.out and "cin server add-user" in first.out
    assert cin("server", "init", database=str(url)).code == 0  # safe to repeat

    secret = tmp_path / "sam.password"
    secret.write_text("correct horse\n", encoding="utf-8")
    added = cin("server", "add-user", sam, "--name", "Sam Patel", "--role", "worker",
                "--team", "North", "--password-file", str(secret), database=str(url))
    assert added.code == 0, added.err
    assert "Sam Patel" in added.out and "North" in added.out
    assert "correct horse" not in added.out + added.err

    typed = iter(["swordfish", "swordfish"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    added = cin("server", "add-user", kim, "--name", "Kim Ode", "--role", "manager",
                "--team", "North", database=str(url))
    assert added.code == 0, added.err

    with psycopg.connect(_as(url, sam)) as connection:  # the login works, and knows who it is
        assert connection.execute("SELECT full_name, role, team FROM staff").fetchall() == [
            ("Sam Patel", "worker", "North")]
    with psycopg.connect(url.url) as connection:
        groups = connection.execute(
            "SELECT m.rolname, g.rolname FROM pg_auth_members a "
            "JOIN pg_roles m ON m.oid = a.member JOIN pg_roles g ON g.oid = a.roleid "
            "WHERE m.rolname IN (%s, %s) ORDER BY 1", (kim, sam)).fetchall()
    assert sorted(groups) == sorted([(sam, "cin_worker"), (kim, "cin_manager")])

    again = cin("server", "add-user", sam, "--name", "Sam Patel", "--role", "worker",
                "--team", "North", "--password-file", str(secret), database=str(url))
    assert again.code != 0 and "already exists" in again.err


def test_add_user_before_init_and_mismatched_passwords_change_nothing(cin, server_db,
                                                                      monkeypatch):
    url, logins = server_db
    login = f"lee_{uuid.uuid4().hex[:8]}"
    logins.append(login)
    typed = iter(["one", "two"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    result = cin("server", "add-user", login, "--name", "Lee Ray", "--role", "worker",
                 "--team", "North", database=str(url))
    assert result.code != 0 and "differ" in result.err

    monkeypatch.setattr("getpass.getpass", lambda prompt="": "pw")
    result = cin("server", "add-user", login, "--name", "Lee Ray", "--role", "worker",
                 "--team", "North", database=str(url))
    assert result.code != 0 and "cin server init" in result.err
    with psycopg.connect(url.url) as connection:  # the login was not made either
        assert connection.execute("SELECT FROM pg_roles WHERE rolname = %s",
                                  (login,)).fetchone() is None
