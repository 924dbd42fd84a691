"""`cin team [--trends] [--json]`: the team view's figures and its monthly trends as text.

Today is Mon 23 Nov 2026; no bank holiday from 1 Sep to 24 Dec 2026 ("N WD after D" counts
weekdays, D itself day 0). Sam Patel's Wirral case, allocated Mon 7 Sep 2026 (visits every
20 WD):
- seen Tue 6 Oct: due 20 WD after allocation: 8-11 Sep (4), 14-18 (9), 21-25 (14),
  28 Sep-2 Oct (19), Mon 5 Oct (20) -> late: October 0 of 1;
- seen Mon 2 Nov: due 20 WD after 6 Oct: 7-9 Oct (3), 12-16 (8), 19-23 (13), 26-30 (18),
  2 Nov (19), Tue 3 Nov (20) -> in time: November 1 of 1.
Jo King's case has no visit: nothing counted, n/a in every month.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from policies.safe_text import is_safe_text

from ..reliability.hostile import HOSTILE
from .cli_helpers import case, write_json


def seen(on: str) -> dict:
    return {"date": on, "seen": True, "seen_alone": True, "childs_voice": "Fine",
            "location": "home", "recorded": on}


def imported(cin, tmp_path: Path) -> None:
    source = write_json(tmp_path / "cases.json", [
        case("W-1", worker="Sam Patel", team="North", allocated="2026-09-07",
             visits=[seen("2026-10-06"), seen("2026-11-02")]),
        case("W-2", worker="Jo King", team="South", allocated="2026-11-16"),
    ])
    assert cin("import", str(source)).code == 0


def test_team_prints_each_workers_figures_over_the_3_months(cin, tmp_path):
    imported(cin, tmp_path)
    result = cin("team")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "All teams: 3 months to today (23 Aug 2026 to 23 Nov 2026)"
    assert lines[1] == ("North · Sam Patel: 1 open case · visits within timescale 1 of 2 "
                        "(50%) · meetings on time none counted · notes circulated on time "
                        "none counted")
    assert lines[2].startswith("South · Jo King: 1 open case · visits within timescale none "
                               "counted")
    assert lines[3].startswith("Total: 2 open cases · visits within timescale 1 of 2 (50%)")


def test_trends_print_each_month_n_a_where_nothing_was_counted(cin, tmp_path):
    imported(cin, tmp_path)
    result = cin("team", "--trends")
    assert result.code == 0, result.err
    out = result.out.splitlines()
    start = out.index("By month, 1 Dec 2025 to 23 Nov 2026 (in time/counted, share):")
    assert out[start + 1].split() == ["Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                      "Aug", "Sep", "Oct", "Nov"]
    sam_visits = out[start + 2].split()
    assert sam_visits[:3] == ["Sam", "Patel", "Visit"]
    assert sam_visits[3:] == ["n/a"] * 10 + ["0/1", "0%", "1/1", "100%"]
    jo_visits = out[start + 5].split()
    assert jo_visits == ["Jo", "King", "Visit", *["n/a"] * 12]
    assert out[start + 8].split()[:2] == ["Total", "Visit"]


def test_json_has_the_same_figures_and_the_months(cin, tmp_path):
    imported(cin, tmp_path)
    data = cin("team", "--json").json()
    assert [m["month"] for m in data["months"]][-2:] == ["Oct 2026", "Nov 2026"]
    assert data["months"][-1] == {"month": "Nov 2026", "start": "2026-11-01",
                                  "end": "2026-11-23"}
    sam = next(w for w in data["workers"] if w["worker"] == "Sam Patel")
    assert sam["current"]["visits"] == {"counted": 2, "in_time": 1, "share": 0.5}
    assert [m["visits"]["counted"] for m in sam["months"]] == [0] * 10 + [1, 1]
    assert sam["months"][-1]["visits"] == {"counted": 1, "in_time": 1, "share": 1.0}
    # Nothing counted: no share (null), never 0.
    assert sam["months"][0]["visits"] == {"counted": 0, "in_time": 0, "share": None}
    assert data["total"]["months"][-2]["visits"] == {"counted": 1, "in_time": 0, "share": 0.0}


def test_one_team_or_a_clear_message_for_an_unknown_one(cin, tmp_path):
    imported(cin, tmp_path)
    south = cin("team", "--team", "South")
    assert south.code == 0
    assert "Sam Patel" not in south.out and "Jo King" in south.out
    unknown = cin("team", "--team", "East")
    assert unknown.code != 0
    assert "no team called 'East' has open cases; teams: North, South" in unknown.err
    assert "Traceback" not in unknown.err


@pytest.fixture(scope="module")
def hostile_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sam Patel's case (above), in a database to copy for each hostile name."""
    from models.commands import upsert_cases
    from models.db import open_database, session_scope
    from models.inputs import CaseInput, VisitInput
    from policies.packs import load_policies

    path = tmp_path_factory.mktemp("team-hostile") / "cin.db"
    engine = open_database(path)
    visits = [VisitInput(date=date(2026, 10, 6), seen=True, seen_alone=True,
                         childs_voice="Fine", location="home", recorded=date(2026, 10, 6))]
    try:
        with session_scope(engine) as session:
            upsert_cases(session, cases=[CaseInput(
                ref="W-1", name="Child", worker="Sam Patel", team="North", policy="wirral",
                allocated=date(2026, 9, 7), visits=visits)], actor="setup",
                policies=load_policies(None), today=date(2026, 11, 23))
    finally:
        engine.dispose()
    return path


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=HOSTILE)
def test_hostile_worker_and_team_names_are_shown_as_text(text, hostile_source, cin, tmp_path):
    """Names written straight into the database (an older version, or sqlite3): every line
    of `cin team --trends` is safe for the terminal, and --json carries them exactly."""
    database = tmp_path / f"hostile-{abs(hash(text))}.db"
    shutil.copyfile(hostile_source, database)
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        db.execute("UPDATE cases SET team = ?", (text,))
        db.execute("UPDATE workers SET name = ?, team = ?", (f"W{text}W", text))
    shown = cin("team", "--trends", database=database)
    assert shown.code == 0, shown.err
    assert is_safe_text(shown.out, multiline=True) and is_safe_text(shown.err, multiline=True)
    data = cin("team", "--json", database=database)
    assert is_safe_text(data.out, multiline=True)
    [worker] = data.json()["workers"]
    assert worker["worker"] == f"W{text}W"
    assert worker["team"] == (text or "No team recorded")


def test_a_closed_case_counts_up_to_its_closure(cin, tmp_path):
    """Sam's second case, W-3 (Wirral, allocated Mon 7 Sep 2026), closed Fri 16 Oct:
    - seen Thu 10 Sep: due 20 WD after allocation, Mon 5 Oct -> in time (September 1 of 1);
    - seen Fri 9 Oct: due 20 WD after 10 Sep: 11 Sep (1), 14-18 (6), 21-25 (11), 28 Sep-2 Oct
      (16), 5-8 Oct (20) -> Thu 8 Oct, late (October, with W-1's late 6 Oct: 0 of 2).
    The 3 months to today: W-1's 1 of 2 and W-3's 1 of 2 -> 2 of 4."""
    source = write_json(tmp_path / "cases.json", [
        case("W-1", worker="Sam Patel", team="North", allocated="2026-09-07",
             visits=[seen("2026-10-06"), seen("2026-11-02")]),
        case("W-3", worker="Sam Patel", team="North", allocated="2026-09-07",
             visits=[seen("2026-09-10"), seen("2026-10-09")],
             closure={"date": "2026-10-16", "reason": "RC7"}),
    ])
    assert cin("import", str(source)).code == 0
    result = cin("team")
    assert result.code == 0, result.err
    assert result.out.splitlines()[1] == (
        "North · Sam Patel: 1 open case (and 1 closed, counted up to the closure) · visits "
        "within timescale 2 of 4 (50%) · meetings on time none counted · notes circulated on "
        "time none counted")
    data = cin("team", "--json").json()
    [sam] = data["workers"]
    assert (sam["cases"], sam["closed_cases"]) == (1, 1)
    assert data["total"]["closed_cases"] == 1
    visits = {m["month"]: (w["visits"]["in_time"], w["visits"]["counted"])
              for m, w in zip(data["months"], sam["months"], strict=True)
              if w["visits"]["counted"]}
    assert visits == {"Sep 2026": (1, 1), "Oct 2026": (0, 2), "Nov 2026": (1, 1)}
