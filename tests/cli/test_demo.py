"""`cin demo`: a fresh demo caseload with dates relative to today."""

from __future__ import annotations

import json
from datetime import date
from typing import ClassVar

import pytest

from cin_tui.demo import DemoError, resolve_relative_date
from policies.calendar import WorkingCalendar


def test_relative_dates():
    calendar = WorkingCalendar()
    today = date(2026, 11, 23)  # Mon
    assert resolve_relative_date("today", today, calendar) == today
    assert resolve_relative_date("+5d", today, calendar) == date(2026, 11, 28)
    assert resolve_relative_date("-2w", today, calendar) == date(2026, 11, 9)
    assert resolve_relative_date("-3m", today, calendar) == date(2026, 8, 23)
    # -9y then -41d: 23 Nov 2017, then back 41 days (23 in November, 18 more) -> 13 Oct 2017.
    assert resolve_relative_date("-9y-41d", today, calendar) == date(2017, 10, 13)
    # +5wd from Mon 23 Nov: 24, 25, 26, 27, 30 Nov.
    assert resolve_relative_date("+5wd", today, calendar) == date(2026, 11, 30)
    # From Mon 21 Dec 2026, +5wd: 22, 23, 24, (25 Christmas, 28 Boxing Day substitute) 29, 30.
    assert resolve_relative_date("+5wd", date(2026, 12, 21), calendar) == date(2026, 12, 30)
    with pytest.raises(DemoError, match="not \"today\" or an offset"):
        resolve_relative_date("next week", today, calendar)


def test_demo_builds_a_realistic_caseload(cin, tmp_path):
    demo = tmp_path / "demo.db"
    result = cin("demo", "--no-tui", database=demo)
    assert result.code == 0
    assert result.out.startswith(f"Demo caseload ready in {demo} (today is 23 Nov 2026).")
    exported = tmp_path / "demo.json"
    assert cin("export", str(exported), database=demo).code == 0
    cases = json.loads(exported.read_text(encoding="utf-8"))["cases"]
    assert len(cases) == 25
    assert {c["policy"] for c in cases} == {"wirral", "rochdale", "camden", "trafford",
                                            "leicestershire"}
    assert len({c["worker"] for c in cases}) == 3
    assert len({c["team"] for c in cases}) == 1
    assert [c["ref"] for c in cases if c["closure"]] == ["CIN-0108"]
    assert any(c["disabled"] for c in cases)
    assert any(c["private_fostering"] for c in cases)
    assert any(c["stepped_down_from"] == "cp_plan" for c in cases)
    families = [c["family"] for c in cases if c["family"]]
    assert any(families.count(f) >= 3 for f in families)  # a sibling group of three
    statuses = {m["status"] for c in cases for m in c["meetings"]}
    assert statuses == {"held", "booked", "cancelled"}
    assert any(m["status"] == "held" and m["circulated"] is None
               for c in cases for m in c["meetings"])
    assert all(v["childs_voice"] for c in cases for v in c["visits"] if v["seen"])
    due = {item["status"] for item in cin("due", "--json", database=demo).json()}
    assert due == {"overdue", "due_soon", "ok"}


def test_demo_dates_follow_today(cin, tmp_path):
    demo = tmp_path / "demo.db"
    cin("demo", "--no-tui", database=demo, today="2027-03-01")
    exported = tmp_path / "demo.json"
    cin("export", str(exported), database=demo, today="2027-03-01")
    cases = {c["ref"]: c for c in json.loads(exported.read_text(encoding="utf-8"))["cases"]}
    # Tilly stepped down "-14wd": counting back from Mon 1 Mar 2027: 26, 25, 24, 23, 22 Feb (5),
    # 19, 18, 17, 16, 15 Feb (10), 12, 11, 10, 9 Feb (14) -> Tue 9 Feb 2027.
    assert cases["CIN-0205"]["stepped_down_on"] == "2027-02-09"


def test_demo_is_replaced_each_time(cin, tmp_path):
    demo = tmp_path / "demo.db"
    assert cin("demo", "--no-tui", database=demo).code == 0
    assert cin("demo", "--no-tui", database=demo, today="2027-01-04").code == 0
    items = cin("due", "--json", database=demo, today="2027-01-04").json()
    assert items and len({i["ref"] for i in items}) == 24  # still 25 children, one closed


def test_demo_will_not_replace_a_real_caseload(cin, db, tmp_path):
    path = tmp_path / "c.json"
    path.write_text('{"cases": [{"ref": "C-1", "name": "A", "allocated": "2026-09-01", '
                    '"policy": "wirral"}]}', encoding="utf-8")
    assert cin("import", str(path)).code == 0
    before = db.read_bytes()
    result = cin("demo", "--no-tui")
    assert result.code == 1
    assert result.err.startswith(f"cin: {db} holds a caseload that is not the demo")
    assert db.read_bytes() == before


class FakeApp:
    opened: ClassVar[list[dict]] = []

    def __init__(self, **kwargs):
        self.kwargs = kwargs

    def run(self):
        FakeApp.opened.append(self.kwargs)


@pytest.fixture
def fake_app(monkeypatch):
    import cin_tui.cli

    FakeApp.opened = []
    monkeypatch.setattr(cin_tui.cli, "_app_factory", lambda: FakeApp)
    return FakeApp


def test_cin_demo_opens_the_app_on_the_demo(cin, fake_app, settings_dir, tmp_path):
    demo = tmp_path / "demo.db"
    assert cin("demo", database=demo).code == 0
    (opened,) = fake_app.opened
    assert opened["database_path"] == demo
    assert (opened["today"], opened["settings_dir"]) == (date(2026, 11, 23), settings_dir)


def test_cin_alone_opens_the_app_on_the_caseload(cin, fake_app, settings_dir, db):
    assert cin().code == 0
    (opened,) = fake_app.opened
    assert opened["database_path"] == db
    assert (opened["today"], opened["settings_dir"]) == (date(2026, 11, 23), settings_dir)
