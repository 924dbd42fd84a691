"""The caseload's calendar key (i) writes the open deadlines as an .ics file and says where; the
case screen's chronology key (l) opens the case's chronology (issue 16)."""

from __future__ import annotations

import stat

from icalendar import Calendar

from screens.case import CaseScreen
from screens.chronology import ChronologyScreen

from .helpers import caseload_ready, open_case, until, widget_text


def _summaries(path) -> list[str]:
    calendar = Calendar.from_ical(path.read_bytes())
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


async def test_the_calendar_key_writes_every_open_deadline_beside_the_database(
        caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await caseload_ready(pilot)
        await pilot.press("i")
        await until(pilot, lambda: screen.last_calendar_path is not None, "the calendar file")
        path = screen.last_calendar_path
        assert path == caseload_db.parent / "cin-deadlines.ics"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert any(str(path) in str(n.message) for n in app._notifications)
        # The same events as `cin calendar` for everyone: one per open deadline, the closed
        # WR-004 left out.
        expected = app.service.calendar_events()
        summaries = _summaries(path)
        assert len(summaries) == len(expected) > 0
        assert {s.split(" ")[0] for s in summaries} == {"WR-001", "WR-002", "WR-003",
                                                        "LC-001", "CA-001"}
        # WR-001, last seen Tue 20 Oct (tests/screens/conftest.py): the visit due Tue 17 Nov.
        assert any(s.startswith("WR-001 visit:") and s.endswith("(Amira Hassan)")
                   for s in summaries)


async def test_the_calendar_key_follows_the_worker_shown_and_privacy(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await caseload_ready(pilot)
        await pilot.press("w")  # one worker's cases
        await pilot.pause()
        worker = screen.view.worker
        assert worker in ("Jo King", "Sam Patel")
        await pilot.press("p")  # privacy mode
        await until(pilot, lambda: app.privacy, "privacy mode")
        await pilot.press("i")
        await until(pilot, lambda: screen.last_calendar_path is not None, "the calendar file")
        path = screen.last_calendar_path
        slug = worker.lower().replace(" ", "-")
        assert path == caseload_db.parent / f"cin-deadlines-{slug}.ics"
        refs = {"Jo King": {"WR-003", "LC-001", "CA-001"},
                "Sam Patel": {"WR-001", "WR-002"}}[worker]
        summaries = _summaries(path)
        assert {s.split(" ")[0] for s in summaries} == refs
        text = path.read_bytes().decode("utf-8").replace("\r\n ", "")
        for name in ("Amira", "Bilal", "Chloe", "Dara", "Finn"):
            assert name not in text
        assert any("names as initials" in str(n.message) for n in app._notifications)


async def test_the_chronology_key_opens_the_case_chronology_oldest_first(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_case(pilot, "WR-002")
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, ChronologyScreen)
                    and app.screen.chronology is not None, "the chronology")
        screen = app.screen
        heading = widget_text(screen.query_one("#chronology-facts"))
        assert "WR-002 Bilal Hassan" in heading
        lines = [" ".join(line.split())
                 for line in widget_text(screen.query_one("#chronology-entries")).splitlines()]
        # Allocated Tue 1 Sep; initial meeting held Mon 2 Nov (chair Ann Lee, family came,
        # not circulated); seen at school Mon 16 Nov, alone, "Happy"; a review booked for
        # Thu 3 Dec. Oldest first.
        starts = [line.split(" ", 4)[:4] for line in lines if line[:1].isdigit()]
        assert [" ".join(s[:3]) for s in starts] == ["1 Sep 2026", "2 Nov 2026", "16 Nov 2026",
                                                     "3 Dec 2026"]
        text = "\n".join(lines)
        assert "Allocated case allocated" in text
        assert "Visit at school · seen alone · voice: “Happy”" in text
        assert "not circulated yet" in text
        assert "booked" in text
        # Privacy: the child's name becomes initials, here as everywhere.
        await pilot.press("p")
        await until(pilot, lambda: "WR-002 B. H." in widget_text(
            screen.query_one("#chronology-facts")), "initials")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen), "the case screen")
