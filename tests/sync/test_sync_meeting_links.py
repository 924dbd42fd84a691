"""A meeting held offline with the next one booked at it: both meetings reach the server, and
so does the link between them (the case screen's "next meeting", the chain a review follows),
once, even when the sync is cut off between them."""

from __future__ import annotations

from datetime import date

import pytest

from models.db import make_engine, session_scope
from models.sync_snapshot import read_snapshot

from .test_sync_interrupted import Stop

INITIAL, REVIEW = date(2026, 11, 16), date(2027, 2, 8)


def _links_on_server(team) -> list[tuple[str, str, str | None]]:
    """(kind, date, the next meeting's kind) of N1's meetings on the server."""
    return [tuple(row) for row in team.sql(
        "SELECT m.kind, m.date::text, n.kind FROM meetings m JOIN cases c ON c.id = m.case_id "
        "LEFT JOIN meetings n ON n.id = m.next_meeting_id WHERE c.ref = 'N1' ORDER BY m.date")]


def _links_on(laptop) -> dict[str, str | None]:
    """meeting kind -> the kind of its next meeting, on this laptop."""
    engine = make_engine(laptop.replica)
    with session_scope(engine, write=False) as session:
        snapshot = read_snapshot(session, "N1")
    engine.dispose()
    assert snapshot is not None
    meetings = snapshot["meetings"]
    return {m["kind"]: meetings[m["next_meeting"]]["kind"] if m["next_meeting"] else None
            for m in meetings.values()}


def _held_with_next_booked(laptop) -> None:
    with laptop.service() as service:
        initial = service.book_meeting(ref="N1", kind="initial", date=INITIAL)
        service.record_meeting_held(meeting_id=initial, date=INITIAL, chair="Max Ford",
                                    chair_role="Team Manager", family_attended=True,
                                    next_meeting_date=REVIEW)


def test_the_next_meeting_booked_offline_stays_the_next_meeting(team, laptop):
    ann, max_ = laptop("ann"), laptop("max")
    ann.sync()
    _held_with_next_booked(ann)
    assert ann.sync().sent == [
        "N1: new initial meeting of 16 Nov 2026", "N1: new review meeting of 8 Feb 2027",
        "N1: review meeting of 8 Feb 2027 booked as the next after the initial meeting of "
        "16 Nov 2026"]
    again = ann.sync()
    assert again.sent == [] and again.refusals == []
    assert _links_on_server(team) == [("initial", "2026-11-16", "review"),
                                      ("review", "2027-02-08", None)]
    max_.sync()
    assert _links_on(ann) == _links_on(max_) == {"initial": "review", "review": None}
    assert team.sql("SELECT actor, summary FROM audit_log WHERE action = 'link_next_meeting'"
                    ) == [("Ann Lee", "Initial meeting of 16 Nov 2026: the next meeting is the "
                                      "review meeting of 8 Feb 2027")]


def test_a_meeting_booked_on_the_server_held_offline_gets_its_next_meeting(team, laptop):
    with team.service(None) as server:
        server.book_meeting(ref="N1", kind="initial", date=INITIAL)
    ann = laptop("ann")
    ann.sync()
    with ann.service() as service:
        [meeting] = service.case_detail("N1").meetings
        service.record_meeting_held(meeting_id=meeting.id, date=INITIAL, chair="Max Ford",
                                    chair_role="Team Manager", family_attended=False,
                                    next_meeting_date=REVIEW)
    report = ann.sync()
    assert report.refusals == [] and len(report.sent) == 3
    assert _links_on_server(team) == [("initial", "2026-11-16", "review"),
                                      ("review", "2027-02-08", None)]


@pytest.mark.parametrize("stop_after", [1, 2, 3])
def test_cut_off_between_the_meetings_and_the_link_then_run_again(team, laptop, stop_after):
    ann = laptop("ann")
    ann.sync()
    _held_with_next_booked(ann)
    sent = 0

    def cut_off(point: str, _words: str) -> None:
        nonlocal sent
        if point == "sent":
            sent += 1
            if sent == stop_after:
                raise Stop

    with pytest.raises(Stop):
        ann.sync(cut_off)
    ann.sync()
    assert ann.sync().sent == []
    assert _links_on_server(team) == [("initial", "2026-11-16", "review"),
                                      ("review", "2027-02-08", None)]
    assert team.sql("SELECT count(*) FROM audit_log WHERE action = 'link_next_meeting'") == [
        (1,)]
    assert _links_on(ann) == {"initial": "review", "review": None}
