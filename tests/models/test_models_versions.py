"""Two people at work on the same case (issue 13, item 5): every change bumps the case's
version once, a save made against a version that has moved on is refused with who changed
what and when (nothing written), and the same input saved against the new version goes in.

Two `CaseloadService`s on one database file stand for two copies of cin (two App instances or
a script), as they are in use: each opens its own engine and connections."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from models.errors import ChangedMeanwhile
from models.inputs import CaseInput, VisitInput
from models.service import CaseloadService

from .conftest import TODAY

VISIT = VisitInput(date=date(2026, 11, 20), seen=True, seen_alone=True,
                   childs_voice="I want to stay at my school", location="home",
                   recorded=date(2026, 11, 20))


def worker(database: Path, actor: str) -> CaseloadService:
    return CaseloadService(database=database, settings_dir=None, today=TODAY, actor=actor)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    with worker(path, "Ann Lee") as service:
        service.add_case(CaseInput(ref="WR-1", name="Amira Hassan", dob=date(2017, 3, 4),
                                   worker="Sam Patel", policy="wirral",
                                   allocated=date(2026, 9, 1)))
    return path


@pytest.fixture
def sam(database: Path):
    with worker(database, "Sam Patel") as service:
        yield service


@pytest.fixture
def jo(database: Path):
    with worker(database, "Jo King") as service:
        yield service


def test_a_new_case_starts_at_version_1_and_each_change_adds_one(sam):
    assert sam.case_detail("WR-1").version == 1
    sam.log_visit("WR-1", VISIT)
    assert sam.case_detail("WR-1").version == 2
    sam.edit_case("WR-1", {"team": "North"})
    assert sam.case_detail("WR-1").version == 3
    # Nothing to change: nothing written, the version stays.
    assert sam.edit_case("WR-1", {"team": "North"}) == []
    assert sam.case_detail("WR-1").version == 3
    # Two audit entries (the meeting held, the plan start it sets), one change: one version.
    meeting = sam.book_meeting(ref="WR-1", kind="initial", date=date(2026, 11, 16))
    sam.record_meeting_held(meeting_id=meeting, date=date(2026, 11, 16), chair="Ann Lee",
                            chair_role="Team Manager", family_attended=True)
    assert sam.case_detail("WR-1").version == 5
    assert [e.case_version for e in sam.audit_entries("WR-1")] == [1, 2, 3, 4, 5, 5]


def test_the_second_edit_of_the_same_case_is_refused_with_who_what_and_when(sam, jo):
    # Both open the edit form on version 1; Jo saves first.
    shown_to_sam = sam.case_detail("WR-1").version
    shown_to_jo = jo.case_detail("WR-1").version
    jo.edit_case("WR-1", {"worker": "Jo King"}, expected_version=shown_to_jo)
    with pytest.raises(ChangedMeanwhile) as refused:
        sam.edit_case("WR-1", {"team": "South"}, expected_version=shown_to_sam)
    message = str(refused.value)
    assert "WR-1" in message and "Jo King" in message  # who
    assert "Changed worker" in message  # what: the audit summary of Jo's change
    assert re.search(r"at \d\d:\d\d on \d{1,2} [A-Z][a-z]{2} \d{4}", message)  # when
    assert "Your text is kept" in message and "save again" in message
    assert (refused.value.expected, refused.value.current) == (1, 2)
    # Nothing of Sam's was written: Jo's change stands alone.
    case = sam.case_detail("WR-1")
    assert (case.summary.worker, case.summary.team, case.version) == ("Jo King", None, 2)
    # Sam has seen it and saves again against version 2: both changes are kept and audited.
    sam.edit_case("WR-1", {"team": "South"}, expected_version=refused.value.current)
    case = sam.case_detail("WR-1")
    assert (case.summary.worker, case.summary.team, case.version) == ("Jo King", "South", 3)
    assert [(e.actor, e.summary) for e in sam.audit_entries("WR-1")][1:] == [
        ("Jo King", "Changed worker"), ("Sam Patel", "Changed team")]


def test_correcting_a_visit_someone_withdrew_meanwhile_is_refused_as_changed(sam, jo):
    sam.log_visit("WR-1", VISIT)
    shown = sam.case_detail("WR-1")
    [visit] = shown.visits
    jo.withdraw_visit(ref="WR-1", visit_uid=visit.uid, reason="logged on the wrong child")
    corrected = replace(VISIT, childs_voice="I like my new school")
    with pytest.raises(ChangedMeanwhile, match=r"Jo King.*withdrawn"):
        sam.correct_visit(ref="WR-1", visit_uid=visit.uid, visit=corrected,
                          reason="typo in the child's words", expected_version=shown.version)
    assert sam.case_detail("WR-1").withdrawn_visits[0].childs_voice == VISIT.childs_voice


@pytest.mark.parametrize("command", [
    lambda s, v: s.log_visit("WR-1", VISIT, expected_version=v),
    lambda s, v: s.book_meeting(ref="WR-1", kind="review", date=date(2026, 12, 3),
                                expected_version=v),
    lambda s, v: s.add_oversight_note(ref="WR-1", decision="Continue", rationale="Seen",
                                      expected_version=v),
    lambda s, v: s.reopen_case(ref="WR-1", reason="closed in error", expected_version=v),
], ids=["visit", "book", "oversight note", "reopen"])
def test_every_kind_of_save_checks_the_version_before_anything_else(sam, jo, command):
    jo.edit_case("WR-1", {"family": "hassan"})
    audited = len(sam.audit_entries())
    with pytest.raises(ChangedMeanwhile, match="Jo King"):
        command(sam, 1)  # reopening an open case would fail too, but the change is said first
    assert len(sam.audit_entries()) == audited


def test_a_script_without_a_version_acts_on_the_latest(sam, jo):
    jo.edit_case("WR-1", {"family": "hassan"})
    sam.log_visit("WR-1", VISIT)  # no expected version: the CLI's default
    assert sam.case_detail("WR-1").version == 3


def test_an_import_bumps_each_case_it_changes_and_no_other(sam, database):
    from models.commands import upsert_cases
    from models.db import session_scope

    sam.add_case(CaseInput(ref="WR-2", name="Bilal Hassan", policy="wirral",
                           allocated=date(2026, 9, 1)))
    with session_scope(sam.engine) as session:
        upsert_cases(session, cases=[
            CaseInput(ref="WR-1", name="Amira Hassan", dob=date(2017, 3, 4), worker="Sam Patel",
                      policy="wirral", allocated=date(2026, 9, 1), visits=[VISIT]),
            CaseInput(ref="WR-2", name="Bilal Hassan", policy="wirral",
                      allocated=date(2026, 9, 1)),
            CaseInput(ref="WR-3", name="Chloe Evans", policy="wirral",
                      allocated=date(2026, 9, 1)),
        ], policies=sam.policies, actor="import", today=TODAY)
    assert [sam.case_detail(ref).version for ref in ("WR-1", "WR-2", "WR-3")] == [2, 1, 1]
    [imported] = [e for e in sam.audit_entries("WR-1") if e.action == "import"]
    assert imported.case_version == 2


def test_of_saves_racing_against_one_version_exactly_one_wins(database):
    """Eight copies of cin save a visit against version 1 at once: the bump is one atomic
    statement, so one goes in and seven are told the case changed; none is lost silently."""
    services = [worker(database, f"Worker {n}") for n in range(8)]
    for service in services:
        service.open()
    start = threading.Barrier(len(services))
    outcomes: list[str] = []

    def save(service: CaseloadService) -> None:
        start.wait()
        try:
            service.log_visit("WR-1", VISIT, confirmed=True, expected_version=1)
            outcomes.append("saved")
        except ChangedMeanwhile:
            outcomes.append("refused")

    threads = [threading.Thread(target=save, args=(s,)) for s in services]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert sorted(outcomes) == ["refused"] * 7 + ["saved"]
        detail = services[0].case_detail("WR-1")
        assert (len(detail.visits), detail.version) == (1, 2)
    finally:
        for service in services:
            service.close()


def test_the_migration_gives_existing_cases_version_1(sam):
    with sam.engine.connect() as connection:
        assert connection.execute(text("SELECT version FROM cases")).scalars().all() == [1]


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(saves=st.lists(st.tuples(st.sampled_from(["Sam Patel", "Jo King"]), st.booleans()),
                      min_size=1, max_size=8))
def test_no_acknowledged_save_is_ever_lost(database, saves):
    """Any run of saves by two people, each against the version they last read or against
    an older one: every save cin acknowledged is stored and audited, in order, with the version
    it made, and every refused one left nothing behind."""
    services = {actor: worker(database, actor) for actor in ("Sam Patel", "Jo King")}
    try:
        start = services["Sam Patel"].case_detail("WR-1").version
        acknowledged = []
        for n, (actor, stale) in enumerate(saves):
            service = services[actor]
            current = service.case_detail("WR-1").version
            expected = current - 1 if stale and current > 1 else current
            team = f"Team {start}-{n}"
            try:
                service.edit_case("WR-1", {"team": team}, expected_version=expected)
            except ChangedMeanwhile:
                assert expected != current
                continue
            acknowledged.append((actor, team))
        final = services["Sam Patel"].case_detail("WR-1")
        assert final.version == start + len(acknowledged)
        edits = [e for e in services["Sam Patel"].audit_entries("WR-1")
                 if (e.case_version or 0) > start]
        assert [(e.actor, e.after["team"]) for e in edits] == acknowledged
        assert [e.case_version for e in edits] == list(
            range(start + 1, start + 1 + len(acknowledged)))
        if acknowledged:
            assert final.summary.team == acknowledged[-1][1]
    finally:
        for service in services.values():
            service.close()


def test_a_change_the_database_itself_skips_is_refused_not_taken_for_a_version(sam):
    """On a team server a row-level security policy turns an UPDATE of a case the user may not
    change into one of no rows, without an error; a trigger that skips the row stands in for it
    here. That is said as a refusal, never as someone else's change, and nothing is saved."""
    from models.validation import ValidationFailed

    with sam.engine.begin() as connection:
        connection.execute(text("CREATE TRIGGER stand_in_policy BEFORE UPDATE ON cases "
                                "BEGIN SELECT RAISE(IGNORE); END"))
    audited = len(sam.audit_entries())
    for expected in (None, 1):
        with pytest.raises(ValidationFailed, match="cannot be changed from this account"):
            sam.log_visit("WR-1", VISIT, expected_version=expected)
    assert len(sam.audit_entries()) == audited and sam.case_detail("WR-1").visits == ()
