"""docs/deploy.md's "Team server" section, followed from scratch on a fresh cluster (issue 13,
"Done when"): the `sh` blocks are read from the doc, the test server's socket and a fresh
database name put in place of `db.council.local` and `cin_children`, and every command line run
in a shell, in order, with the real `cin`, `createdb`, `pg_dump` and `pg_restore`, as a
newcomer pasting them would. If the doc's commands change, this test runs the new ones."""

from __future__ import annotations

import glob
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from .cli_helpers import TODAY, case, write_json

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
CIN = Path(sys.executable).parent / "cin"
WORKER_PASSWORD = "sam-s-own-secret"
MANAGER_PASSWORD = "jo-s-own-secret"


def team_server_section() -> str:
    text = DEPLOY.read_text(encoding="utf-8")
    start = text.index("\n## Team server")
    following = text.find("\n## ", start + 1)
    return text[start:] if following < 0 else text[start:following]


def command_lines(section: str) -> list[str]:
    """Every command in the section's fenced `sh` blocks, continuation lines joined."""
    commands: list[str] = []
    for block in re.findall(r"^```sh\n(.*?)^```", section, flags=re.M | re.S):
        joined = block.replace("\\\n", " ")
        commands += [line.strip() for line in joined.splitlines()
                     if line.strip() and not line.lstrip().startswith("#")]
    return commands


def on_test_server(command: str, *, folder: str, port: str, database: str) -> str:
    """`command` aimed at the test cluster (a unix socket in `folder`) and database `database`."""
    # URLs lose their host: libpq then takes the socket folder and port from PGHOST/PGPORT
    # (set below), so the lines keep the doc's shape with nothing for the shell to interpret.
    command = command.replace("@db.council.local/", "@/")
    command = command.replace("postgresql://db.council.local/", "postgresql:///")
    command = command.replace("-h db.council.local", f"-h {folder}")
    # ~/.pgpass: "localhost" is the host field libpq matches for a unix-socket connection.
    command = command.replace("db.council.local:5432:", f"localhost:{port}:")
    command = command.replace("the-password-from-sam.pw", WORKER_PASSWORD)
    assert "db.council.local" not in command, command
    return command.replace("cin_children", database)


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"),
                   key=lambda p: int(Path(p).parents[1].name))
    if not found:
        pytest.fail("pg_dump not found in /usr/lib/postgresql/*/bin", pytrace=False)
    return Path(found[-1]).parent


def test_the_doc_has_every_step_a_newcomer_needs() -> None:
    commands = " ".join(command_lines(team_server_section()))
    assert commands.count("server init") >= 2  # set up, and again after an upgrade
    for step in ("createdb", "server init", "--role worker", "--role manager",
                 "--password-file", ".pgpass", " import ", " due", "pg_dump -h", "pg_restore"):
        assert step in commands, step


def test_following_the_team_server_section_from_scratch(postgres_server, tmp_path) -> None:
    admin = urlsplit(postgres_server.admin_url)
    query = parse_qs(admin.query)
    folder, port = query["host"][0], query["port"][0]
    database = f"cin_deploy_{os.getpid()}"
    work = tmp_path / "work"
    home = tmp_path / "home"
    work.mkdir()
    home.mkdir()
    # What the doc asks the reader to prepare by hand: the password files (first line) and
    # the worker's own import file. Sam's case is in Sam's team, allocated to Sam.
    (work / "sam.pw").write_text(WORKER_PASSWORD + "\n", encoding="utf-8")
    (work / "jo.pw").write_text(MANAGER_PASSWORD + "\n", encoding="utf-8")
    write_json(work / "cases.json", [case(
        "N-0001", name="North Child", worker="Sam Patel", team="North",
        visits=[{"date": "2026-11-02", "seen": True}])])
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PG", "CIN_"))}
    env.update(PATH=f"{CIN.parent}{os.pathsep}{postgres_bin()}{os.pathsep}{env.get('PATH', '')}",
               # The owner's steps as the doc says: "export PGUSER=postgres".
               HOME=str(home), PGHOST=folder, PGPORT=port, PGUSER="postgres",
               CIN_TODAY=TODAY, CIN_SETTINGS_DIR=str(tmp_path / "settings"))

    def run(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", "-c", command], cwd=work, env=env, capture_output=True,
                              text=True, timeout=120, stdin=subprocess.DEVNULL)

    commands = [on_test_server(line, folder=folder, port=port, database=database)
                for line in command_lines(team_server_section())]
    try:
        for command in commands:
            result = run(command)
            assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
            assert "Traceback" not in result.stderr, command
        assert not (work / "sam.pw").exists() and not (work / "jo.pw").exists()
        pgpass = home / ".pgpass"
        assert pgpass.stat().st_mode & 0o777 == 0o600
        assert f":{database}:sam.patel:{WORKER_PASSWORD}" in pgpass.read_text(encoding="utf-8")

        def due_as_sam(name: str) -> list[dict]:
            result = run(f"cin --db postgresql://sam.patel@/{name} due --json")
            assert result.returncode == 0, result.stderr
            return json.loads(result.stdout)

        # Wirral 2.11: seen every 20 working days. Seen Mon 2 Nov 2026: +5 working days is
        # Mon 9 Nov, +10 Mon 16, +15 Mon 23, +20 Mon 30 Nov 2026 (no bank holiday in
        # November); from today, Mon 23 Nov, that is 5 working days away: due soon.
        live = due_as_sam(database)
        [visit] = [row for row in live if row["ref"] == "N-0001" and "2.11" in row["source"]]
        assert (visit["due"], visit["status"], visit["countdown"]) == ("2026-11-30", "due_soon", 5)
        assert visit["worker"] == "Sam Patel" and visit["name"] == "North Child"
        # The import was done as Sam's own login: the server wrote Sam's name as its actor.
        audit = run(f"cin --db postgresql://sam.patel@/{database} audit N-0001")
        assert audit.returncode == 0, audit.stderr
        assert re.search(r"Sam Patel\s+N-0001\s+Imported", audit.stdout), audit.stdout
        # Jo, the manager of Sam's team, reads the same case (the cluster trusts local logins).
        jo = run(f"cin --db postgresql://jo.khan@/{database} due --json")
        assert jo.returncode == 0, jo.stderr
        assert {row["ref"] for row in json.loads(jo.stdout)} == {"N-0001"}
        # The restored copy answers exactly as the original did.
        assert due_as_sam(f"{database}_restored") == live
    finally:
        for name in (database, f"{database}_restored"):
            postgres_server.drop(name)
        # Login roles are cluster-wide: leave the cluster as it was for other tests.
        postgres_server._admin('DROP ROLE IF EXISTS "sam.patel", "jo.khan"')
