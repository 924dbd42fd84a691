"""`cin due` answers from stored deadlines when they are current, and is never stale.

A run that finds the stored deadlines current answers through plain sqlite3; any other run
works them out first. Either way the answer must equal a fresh run of the engine: each test
compares the stored answer with the answer after every stored deadline has been thrown away.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

from models.caseload import load_caseload
from models.db import open_database, session_scope
from models.queries import case_facts
from policies.calendar import WorkingCalendar
from policies.engine import compute_deadlines
from policies.packs import load_policies

from .cli_helpers import TODAY, case, write_json

SEEN = {"seen": True, "seen_alone": True, "childs_voice": "ok", "location": "home"}
FACTS = {"allocated": "2026-09-01", "visits": [{"date": "2026-10-26", **SEEN}],
         "meetings": [{"kind": "initial", "status": "held", "date": "2026-10-05"}]}


def _forget_stored(db: Path) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM case_deadlines")


def _due_fresh_and_stored(cin, db: Path, *args: str, today: str = TODAY) -> str:
    """`cin due --json` worked out afresh, checked equal to the same from the stored rows."""
    _forget_stored(db)
    fresh = cin("due", "--json", *args, today=today)
    stored = cin("due", "--json", *args, today=today)
    assert fresh.code == stored.code == 0
    assert stored.out == fresh.out
    assert stored.err == fresh.err
    return stored.out


def _stored_used(db: Path) -> bool:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT count(*) FROM case_deadlines").fetchone()[0] > 0


def test_the_stored_answer_equals_a_fresh_one_after_each_change(cin, db, tmp_path):
    cases = [case("C-1", **FACTS), case("C-2", allocated="2026-11-02"),
             case("C-3", policy="camden", **FACTS)]
    assert cin("import", str(write_json(tmp_path / "c.json", cases))).code == 0
    first = _due_fresh_and_stored(cin, db)
    assert _stored_used(db)
    # A re-import that moves C-2's allocation: the stored rows must follow at once.
    moved = [case("C-2", allocated="2026-10-01")]
    assert cin("import", str(write_json(tmp_path / "m.json", moved))).code == 0
    after_import = cin("due", "--json").out
    assert after_import != first
    assert _due_fresh_and_stored(cin, db) == after_import
    # Another day.
    tomorrow = cin("due", "--json", today="2026-11-24").out
    assert tomorrow != after_import
    assert _due_fresh_and_stored(cin, db, today="2026-11-24") == tomorrow
    # One worker's cases only.
    assert _due_fresh_and_stored(cin, db, "--worker", "Nobody") == "[]\n"


def test_settings_edits_are_seen_at_once(cin, db, settings_dir, tmp_path):
    # Seen Mon 2 Nov: the next visit is due 20 working days later, Mon 30 Nov.
    seen = case("C-1", allocated="2026-09-01", visits=[{"date": "2026-11-02", **SEEN}])
    assert cin("import", str(write_json(tmp_path / "c.json", [seen]))).code == 0
    before = cin("due", "--json").out
    # Tue 24 and Wed 25 Nov become closure days: the visit moves two working days later.
    (settings_dir / "closure-days.txt").write_text("24/11/2026\n25/11/2026\n", encoding="utf-8")
    closed = cin("due", "--json").out
    assert closed != before
    assert _due_fresh_and_stored(cin, db) == closed
    (settings_dir / "settings.toml").write_text("amber_working_days = 1\n", encoding="utf-8")
    amber = cin("due", "--json").out
    assert amber != closed
    assert _due_fresh_and_stored(cin, db) == amber


def test_a_policy_file_edit_is_seen_at_once(cin, db, settings_dir, tmp_path):
    own = settings_dir / "policies"
    own.mkdir()
    pack = own / "east.toml"
    pack.write_text('id = "east"\nextends = "wirral"\nname = "East"\n', encoding="utf-8")
    cases = [case("C-W", **FACTS), case("C-C", policy="camden", **FACTS),
             case("C-E", policy="east", **FACTS)]
    assert cin("import", str(write_json(tmp_path / "c.json", cases))).code == 0

    def shape(ref: str) -> list[tuple]:
        items = json.loads(cin("due", "--json").out)
        return [(i["kind"], i["due"], i["status"], i["countdown"]) for i in items
                if i["ref"] == ref]

    assert shape("C-E") == shape("C-W")
    pack.write_text('id = "east"\nextends = "camden"\nname = "East"\n', encoding="utf-8")
    assert shape("C-E") == shape("C-C") != shape("C-W")
    _due_fresh_and_stored(cin, db)


def test_the_demo_and_a_generated_caseload_match_the_engine(cin, db, tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    try:
        from bench_import import generate
    finally:
        sys.path.pop(0)
    generated = generate(120, 7, WorkingCalendar())
    (tmp_path / "g.json").write_text(json.dumps(generated), encoding="utf-8")
    assert cin("import", str(tmp_path / "g.json")).code == 0
    _due_fresh_and_stored(cin, db)
    demo = tmp_path / "demo.db"
    assert cin("demo", "--no-tui", database=demo).code == 0
    _due_fresh_and_stored(cin, demo)
    today = date.fromisoformat(TODAY)
    policies, calendar = load_policies(None), WorkingCalendar()
    for path in (db, demo):
        engine = open_database(path)
        try:
            with session_scope(engine) as session:
                rows = load_caseload(session, policies=policies, calendar=calendar,
                                     today=today, include_closed=True)
                fresh = {
                    summary.ref: tuple(sorted(
                        compute_deadlines(facts, policies[summary.policy_id], calendar, today),
                        key=lambda d: d.due))
                    for summary, facts in case_facts(session, include_closed=True)
                }
        finally:
            engine.dispose()
        assert {row.ref: row.deadlines for row in rows} == fresh


def test_a_current_answer_imports_nothing_heavy(cin, db, settings_dir, tmp_path):
    assert cin("import", str(write_json(tmp_path / "c.json", [case("C-1", **FACTS)]))).code == 0
    assert cin("due", "--json").code == 0  # works out and stores today's deadlines
    probe = (
        "import sys\n"
        "from cin_tui.cli import main\n"
        f"code = main(['--db', {str(db)!r}, '--today', {TODAY!r}, 'due', '--json'])\n"
        "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'alembic', 'pydantic', 'holidays')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy, code, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            env={"CIN_SETTINGS_DIR": str(settings_dir), "PATH": ""},
                            timeout=120)
    assert "HEAVY [] 0" in result.stderr, result.stderr
    assert json.loads(result.stdout) == json.loads(cin("due", "--json").out)
