"""`cin due`: open deadlines soonest first, as a table or as JSON for scripts."""

from __future__ import annotations

from datetime import date

from .cli_helpers import case, write_json

# Two Wirral children (visits every 20 working days, section 2.11). Today is Mon 23 Nov 2026.
CASES = [
    # Seen alone Mon 2 Nov 2026. +20 WD (no bank holidays in November): 3-6 Nov (4),
    # 9-13 (9), 16-20 (14), 23-27 (19), Mon 30 Nov (20) -> due Mon 30 Nov 2026,
    # 5 working days from today (24, 25, 26, 27, 30 Nov).
    case("C-SOON", name="Soon Child", worker="Sam Patel", allocated="2026-10-01",
         visits=[{"date": "2026-11-02", "seen": True, "seen_alone": True}]),
    # Seen alone Thu 1 Oct 2026. +20 WD: 2 Oct (1), 5-9 (6), 12-16 (11), 19-23 (16),
    # 26-29 Oct (20) -> due Thu 29 Oct 2026. Working days after it up to today: 30 Oct (1),
    # 2-6 Nov (6), 9-13 (11), 16-20 (16), 23 Nov (17) -> 17 working days late.
    case("C-LATE", name="Late Child", worker="Alex Kim", allocated="2026-09-01",
         visits=[{"date": "2026-10-01", "seen": True, "seen_alone": True}]),
]
CONTRACT_KEYS = ["ref", "name", "worker", "team", "policy", "kind", "label", "due", "status",
                 "countdown", "unit", "rule", "source", "basis", "notes"]


def load(cin, tmp_path, cases=CASES):
    assert cin("import", str(write_json(tmp_path / "cases.json", cases))).code == 0


def visits(items: list[dict]) -> list[dict]:
    return [item for item in items if item["rule"] == "wirral.visit"]


def test_due_json_contract_keys_and_types(cin, tmp_path):
    load(cin, tmp_path)
    result = cin("due", "--json")
    assert result.code == 0
    items = result.json()
    assert items, "expected some deadlines"
    for item in items:
        assert list(item) == CONTRACT_KEYS
        assert isinstance(item["ref"], str) and isinstance(item["name"], str)
        assert item["worker"] is None or isinstance(item["worker"], str)
        assert item["team"] is None or isinstance(item["team"], str)
        assert isinstance(item["policy"], str)
        assert item["kind"] in ("visit", "visit_recording", "meeting", "preparation",
                                "circulation", "review", "assessment", "oversight")
        assert isinstance(item["label"], str) and item["label"]
        assert date.fromisoformat(item["due"]).isoformat() == item["due"]
        assert item["status"] in ("overdue", "due_soon", "ok")
        assert isinstance(item["countdown"], int) and not isinstance(item["countdown"], bool)
        assert item["unit"] in ("working_days", "days", "weeks", "months")
        assert isinstance(item["rule"], str) and item["rule"].startswith(item["policy"] + ".")
        assert isinstance(item["source"], str) and "section" in item["source"]
        assert isinstance(item["basis"], str)
        assert isinstance(item["notes"], list) and all(isinstance(n, str) for n in item["notes"])
    dues = [item["due"] for item in items]
    assert dues == sorted(dues), "soonest first"


def test_due_dates_worked_out_by_hand(cin, tmp_path):
    load(cin, tmp_path)
    late, soon = visits(cin("due", "--json").json())
    assert (late["ref"], late["due"], late["status"], late["countdown"], late["unit"]) == (
        "C-LATE", "2026-10-29", "overdue", -17, "working_days")
    assert (soon["ref"], soon["due"], soon["status"], soon["countdown"]) == (
        "C-SOON", "2026-11-30", "due_soon", 5)  # within the default amber window of 5 WD
    assert soon["worker"] == "Sam Patel" and soon["name"] == "Soon Child"
    assert "2.11" in soon["source"]


def test_within_counts_calendar_days_and_keeps_overdue(cin, tmp_path):
    load(cin, tmp_path)
    # 30 Nov is 7 calendar days after Mon 23 Nov.
    assert [i["ref"] for i in visits(cin("due", "--json", "--within", "7").json())] == [
        "C-LATE", "C-SOON"]
    assert [i["ref"] for i in visits(cin("due", "--json", "--within", "6").json())] == ["C-LATE"]
    assert [i["ref"] for i in visits(cin("due", "--json", "--within", "0").json())] == ["C-LATE"]


def test_worker_filter(cin, tmp_path):
    load(cin, tmp_path)
    items = cin("due", "--json", "--worker", "Sam Patel").json()
    assert {item["ref"] for item in items} == {"C-SOON"}


def test_amber_window_comes_from_settings(cin, settings_dir, tmp_path):
    load(cin, tmp_path)
    (settings_dir / "settings.toml").write_text("amber_working_days = 3\n", encoding="utf-8")
    soon = [i for i in visits(cin("due", "--json").json()) if i["ref"] == "C-SOON"]
    assert soon[0]["status"] == "ok"  # 5 WD left is outside a 3-WD amber window


def test_closed_cases_have_no_deadlines(cin, tmp_path):
    closed = case("C-SHUT", visits=[{"date": "2026-10-01", "seen": True, "seen_alone": True}],
                  closure={"date": "2026-11-20", "reason": "RC7"})
    load(cin, tmp_path, [closed])
    assert cin("due", "--json").json() == []
    result = cin("due")
    assert result.out == "Nothing due: no open deadlines (today is 23 Nov 2026).\n"


def test_text_table(cin, tmp_path):
    load(cin, tmp_path)
    lines = cin("due", "--within", "7").out.splitlines()
    assert lines[0].split() == ["Due", "When", "Ref", "Child", "Deadline"]
    late = next(line for line in lines if "C-LATE" in line and "seen" in line)
    assert late.startswith("29 Oct 2026  LATE  17 WD late  C-LATE")
    soon = next(line for line in lines if "C-SOON" in line and "seen" in line)
    assert soon.startswith("30 Nov 2026  SOON  5 WD left   C-SOON")
    assert "overdue" in lines[-2] and "Today is 23 Nov 2026." in lines[-2]


def test_cin_db_and_cin_today_are_honoured(cin, db, tmp_path, monkeypatch):
    load(cin, tmp_path)
    monkeypatch.setenv("CIN_DB", str(db))
    monkeypatch.setenv("CIN_TODAY", "2026-11-30")
    items = visits(cin("due", "--json", today=None, database=None).json())
    soon = next(i for i in items if i["ref"] == "C-SOON")
    assert (soon["status"], soon["countdown"]) == ("due_soon", 0)  # due on 30 Nov: today
    # --today beats CIN_TODAY; UK day-first is accepted: 23/11/2026 is 23 November.
    items = visits(cin("due", "--json", "--today", "23/11/2026", database=None, today=None).json())
    assert next(i for i in items if i["ref"] == "C-SOON")["countdown"] == 5


def test_options_work_after_the_command_too(cin, db, tmp_path):
    load(cin, tmp_path)
    before = cin("due", "--json").out
    after = cin("due", "--json", "--db", str(db), "--today", "2026-11-23", database=None,
                today=None).out
    assert before == after


def test_due_without_a_database(cin, db):
    result = cin("due")
    assert result.code == 1
    assert result.err.startswith(f"cin: there is no database at {db} yet.")
