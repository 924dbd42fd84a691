"""A sync cut off at any point and run again duplicates nothing and loses nothing: stopped at
each named point (by an error, or by killing the process outright), the end state is the
same as after one whole sync."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from models.db import make_engine, session_scope
from models.inputs import VisitInput
from models.sync_local import bases
from models.sync_snapshot import read_snapshot

from .team import TODAY, Laptop, as_login, correct_visit

ROOT = Path(__file__).resolve().parents[2]


class Stop(Exception):
    """Stands for the sync being cut off (a dropped connection, a closed lid)."""


def _offline_work(team, laptop) -> Laptop:
    """Ann syncs, then records offline: a visit to N1 and one to N2, a new family group for
    N1, and a correction of the visit of 9 Nov recorded on the server before."""
    with team.service(None) as server:
        server.log_visit("N1", VisitInput(date=date(2026, 11, 9), seen=True, seen_alone=True,
                                          childs_voice="Likes football", location="home"))
    ann = laptop("ann")
    ann.sync()
    ann.visit("N1", date(2026, 11, 18), "Worried about the move")
    ann.visit("N2", date(2026, 11, 19), "Happy at school")
    with ann.service() as service:
        service.edit_case("N1", {"family": "Lee family"})
    correct_visit(ann, "N1", date(2026, 11, 9), "Typed the wrong words",
                  childs_voice="Likes football and art")
    return ann


def _end_state(team, ann: Laptop) -> dict:
    """What a user would notice: the server's records and audit, the laptop's copy."""
    server = {
        "visits": team.sql("SELECT c.ref, v.uid, v.date::text, v.childs_voice FROM visits v "
                           "JOIN cases c ON c.id = v.case_id ORDER BY 1, 3"),
        "corrections": team.sql("SELECT uid, record_uid, action FROM corrections ORDER BY 1"),
        "family": team.sql("SELECT ref, family FROM cases ORDER BY ref"),
        "audit": team.sql("SELECT actor, action, case_ref FROM audit_log WHERE actor = "
                          "'Ann Lee' ORDER BY 2, 3"),
    }
    engine = make_engine(ann.replica)
    with session_scope(engine, write=False) as local:
        replica = {ref: read_snapshot(local, ref) for ref in ("N1", "N2", "N3")}
        base = bases(local)
    engine.dispose()
    with session_scope(make_engine(as_login(team.url, team.ann)), write=False) as session:
        on_server = {ref: read_snapshot(session, ref) for ref in ("N1", "N2", "N3")}
    with ann.service() as service:
        waiting = (service.sync_conflicts(), service.sync_refusals())
    return {"server": server, "copy_is_the_servers": replica == on_server == base,
            "waiting": waiting}


@pytest.mark.parametrize("point,nth", [
    ("connected", 1), ("sent", 1), ("sent", 3), ("recorded", 2), ("fetched", 1),
    ("fetched", 2), ("finished", 1)])
def test_a_sync_stopped_at_any_point_then_run_again_ends_the_same(team, laptop, point, nth):
    ann = _offline_work(team, laptop)
    seen: dict[str, int] = {}

    def stop_at(name: str, _words: str) -> None:
        seen[name] = seen.get(name, 0) + 1
        if name == point and seen[name] == nth:
            raise Stop(name)

    with pytest.raises(Stop):
        ann.sync(checkpoint=stop_at)
    ann.sync()
    ann.sync()  # and again: nothing more happens
    state = _end_state(team, ann)
    assert state["copy_is_the_servers"] and state["waiting"] == ([], [])
    visits = [(ref, day, voice) for ref, _, day, voice in state["server"]["visits"]]
    assert visits == [("N1", "2026-11-09", "Likes football and art"),
                      ("N1", "2026-11-18", "Worried about the move"),
                      ("N2", "2026-11-19", "Happy at school")]
    assert [action for _, _, action in state["server"]["corrections"]] == ["corrected"]
    assert state["server"]["family"] == [("N1", "Lee family"), ("N2", None), ("N3", None)]
    assert sorted(action for _, action, _ in state["server"]["audit"]) == [
        "correct_visit", "edit_case", "log_visit", "log_visit"]


def test_a_sync_process_killed_outright_then_run_again_ends_the_same(team, laptop):
    ann = _offline_work(team, laptop)
    # Killed (os._exit: no clean-up, no rollback by Python) after the second change was
    # committed on the server and before the laptop recorded it.
    script = (
        "import os, sys\n"
        "from datetime import date\n"
        "from models.location import ServerUrl\n"
        "from models.service import CaseloadService\n"
        "def stop(name, words, seen=[]):\n"
        "    seen.append(name)\n"
        "    if seen.count('sent') == 2: os._exit(9)\n"
        f"service = CaseloadService(database={str(ann.replica)!r}, settings_dir=None, "
        f"today=date.fromisoformat({TODAY.isoformat()!r}), actor='Ann Lee')\n"
        f"service.sync_with(ServerUrl({as_login(team.url, team.ann).url!r}), checkpoint=stop)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert killed.returncode == 9, killed.stderr
    # Half sent: the server has some of the changes, the laptop has recorded none of it.
    assert len(team.sql("SELECT 1 FROM audit_log WHERE actor = 'Ann Lee'")) == 2
    report = ann.sync()
    assert report.already == 2 and len(report.sent) == 2
    state = _end_state(team, ann)
    assert state["copy_is_the_servers"] and state["waiting"] == ([], [])
    assert len(state["server"]["visits"]) == 3
    assert sorted(action for _, action, _ in state["server"]["audit"]) == [
        "correct_visit", "edit_case", "log_visit", "log_visit"]


def test_a_case_added_offline_is_added_once_even_when_the_sync_was_cut_off(team, laptop):
    from models.inputs import CaseInput

    ann = laptop("ann")
    ann.sync()
    with ann.service() as service:
        service.add_case(CaseInput(ref="N9", name="New Child", policy="wirral",
                                   allocated=date(2026, 11, 16), worker="Ann Lee",
                                   team="North"))
    ann.visit("N9", date(2026, 11, 20), "First visit")

    def stop_after_the_case(name: str, _words: str) -> None:
        if name == "sent":
            raise Stop(name)

    with pytest.raises(Stop):
        ann.sync(checkpoint=stop_after_the_case)
    report = ann.sync()
    assert report.already == 1 and report.sent == ["N9: new visit of 20 Nov 2026"]
    assert report.refusals == []
    assert team.sql("SELECT ref, name FROM cases WHERE ref = 'N9'") == [("N9", "New Child")]
    assert team.sql("SELECT childs_voice FROM visits") == [("First visit",)]
    assert ann.visits("N9") == [("2026-11-20", "First visit")]


def test_a_connection_lost_part_way_says_to_run_it_again_and_nothing_is_lost(team, laptop):
    from models.errors import ServerUnreachable
    from models.sync_local import SyncError

    ann = _offline_work(team, laptop)

    def drop_after_the_first(name: str, _words: str) -> None:
        if name == "sent":
            raise ServerUnreachable("server closed the connection unexpectedly")

    with pytest.raises(SyncError, match="lost part way") as lost:
        ann.sync(checkpoint=drop_after_the_first)
    assert "run the sync again" in str(lost.value)
    ann.sync()
    state = _end_state(team, ann)
    assert state["copy_is_the_servers"] and len(state["server"]["visits"]) == 3
