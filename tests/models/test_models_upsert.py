"""The bulk import (`upsert_cases`): idempotent, all or nothing, one audit entry per change."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from models.commands import upsert_cases
from models.db import session_scope
from models.inputs import CaseInput, ClosureInput, MeetingInput, VisitInput
from models.queries import audit_log, get_case_detail, list_workers
from models.tables import AuditEntry, Case, Closure, Meeting, Visit, Worker
from models.validation import ValidationFailed
from policies.facts import Frequency

TODAY = date(2026, 11, 23)  # Monday


def visit(day: date, **changes) -> VisitInput:
    return replace(VisitInput(date=day, seen=True, seen_alone=True, location="home"), **changes)


def sample_cases() -> list[CaseInput]:
    return [
        CaseInput(
            ref="C1", name="Amy Smith", allocated=date(2026, 1, 5), policy="wirral",
            dob=date(2015, 3, 1), worker="Sam Patel", team="East", family="SMITH",
            visit_every=Frequency(10, "working_days"),
            visits=[visit(date(2026, 10, 5)), visit(date(2026, 11, 2)),
                    # two visits on one day: kept apart, never merged or doubled
                    visit(date(2026, 11, 2), seen=False, seen_alone=None)],
            meetings=[MeetingInput("initial", "held", date(2026, 2, 2),
                                   circulated=date(2026, 2, 5)),
                      MeetingInput("review", "booked", date(2026, 12, 1))],
            source="cases.json:1",
        ),
        CaseInput(
            ref="C2", name="Ben Smith", allocated=date(2026, 1, 5), policy="wirral",
            worker="Sam Patel", family="SMITH", source="cases.json:2",
        ),
        CaseInput(
            ref="C3", name="Cal Jones", allocated=date(2025, 6, 2), policy="wirral",
            worker="Ola Ade", team="West", visits=[visit(date(2025, 9, 1))],
            closure=ClosureInput(date(2025, 10, 1), "RC7", note="Needs met"),
            source="cases.json:3",
        ),
    ]


def import_cases(engine, policies, cases, *, dry_run=False):
    with session_scope(engine, write=not dry_run) as session:
        return upsert_cases(session, cases=cases, actor="Sam Patel", policies=policies,
                            today=TODAY, dry_run=dry_run)


def table_counts(engine) -> dict[str, int]:
    with session_scope(engine, write=False) as session:
        return {
            t.__tablename__: session.scalar(select(func.count()).select_from(t))
            for t in (Worker, Case, Visit, Meeting, Closure, AuditEntry)
        }


def test_first_import_adds_everything_with_one_audit_entry_per_case(engine, policies):
    summary = import_cases(engine, policies, sample_cases())
    assert (summary.cases.added, summary.visits.added, summary.meetings.added,
            summary.closures.added) == (3, 4, 2, 1)
    assert summary.added_refs == ["C1", "C2", "C3"]
    assert table_counts(engine) == {
        "workers": 2, "cases": 3, "visits": 4, "meetings": 2, "closures": 1, "audit_log": 3,
    }
    with session_scope(engine, write=False) as session:
        entries = audit_log(session)
        amy = get_case_detail(session, "C1")
        workers = list_workers(session)
    assert [(e.case_ref, e.action, e.actor) for e in entries] == [
        ("C1", "import", "Sam Patel"), ("C2", "import", "Sam Patel"),
        ("C3", "import", "Sam Patel")]
    assert entries[0].summary == "Imported a new case with 3 visits, 2 meetings"
    assert entries[0].after["worker"] == "Sam Patel"
    assert entries[0].after["visit_every"] == "10wd"
    assert amy.summary.visit_every == "10wd"
    assert amy.facts.visit_every == Frequency(10, "working_days")
    # New workers take the team of the first case that names them; C3 is closed.
    assert [(w.name, w.team, w.open_cases) for w in workers] == [
        ("Ola Ade", "West", 0), ("Sam Patel", "East", 2)]


def test_importing_the_same_data_twice_changes_nothing(engine, policies):
    import_cases(engine, policies, sample_cases())
    before = table_counts(engine)
    summary = import_cases(engine, policies, sample_cases())
    assert summary.changes == 0
    assert (summary.cases.unchanged, summary.visits.unchanged, summary.meetings.unchanged,
            summary.closures.unchanged) == (3, 4, 2, 1)
    assert str(summary).startswith("Nothing changed.")
    assert table_counts(engine) == before  # no duplicate rows, no new audit entries


def test_a_changed_record_is_updated_in_place(engine, policies):
    import_cases(engine, policies, sample_cases())
    amy = sample_cases()[0]
    amy.name = "Amy Smith-Jones"
    amy.visits.append(visit(date(2026, 11, 16)))
    # A meeting is matched by (kind, date): the initial meeting's circulation date changed.
    amy.meetings = [MeetingInput("initial", "held", date(2026, 2, 2), circulated=date(2026, 2, 6)),
                    MeetingInput("review", "booked", date(2026, 12, 1))]
    summary = import_cases(engine, policies, [amy])
    assert (summary.cases.changed, summary.visits.added, summary.visits.unchanged,
            summary.meetings.changed, summary.meetings.unchanged) == (1, 1, 3, 1, 1)
    with session_scope(engine, write=False) as session:
        detail = get_case_detail(session, "C1")
        [entry] = audit_log(session, "C1", newest_first=True, limit=1)
    assert detail.summary.name == "Amy Smith-Jones"
    assert [m.circulated for m in detail.meetings] == [date(2026, 2, 6), None]
    assert len(detail.visits) == 4
    assert entry.summary == "Imported changes: changed name; 1 visit added; 1 meeting changed"
    # The audit holds the real values before and after: the name, the added visit whole, and
    # the meeting's circulation date (with the meeting's identity and key to find it by).
    initial_uid = entry.before["meetings"][0]["id"]
    assert entry.before == {
        "name": "Amy Smith",
        "meetings": [{"id": initial_uid, "kind": "initial", "date": "2026-02-02",
                      "circulated": "2026-02-05"}],
    }
    [added_visit] = entry.after["visits"]
    assert entry.after == {
        "name": "Amy Smith-Jones",
        "visits": [{"id": added_visit["id"], "date": "2026-11-16", "seen": True,
                    "seen_alone": True, "not_alone_reason": None, "childs_voice": None,
                    "location": "home", "recorded": None, "withdrawn_on": None,
                    "withdrawn_reason": None}],
        "meetings": [{"id": initial_uid, "kind": "initial", "date": "2026-02-02",
                      "circulated": "2026-02-06"}],
    }


def test_an_import_never_deletes(engine, policies):
    import_cases(engine, policies, sample_cases())
    amy = replace(sample_cases()[0], visits=[], meetings=[])
    summary = import_cases(engine, policies, [amy])
    assert summary.changes == 0
    assert table_counts(engine)["visits"] == 4


def test_fields_the_source_did_not_give_keep_their_values(engine, policies):
    import_cases(engine, policies, sample_cases())
    # A case list (CSV) has no visiting frequency or private fostering column.
    from_csv = CaseInput(
        ref="C1", name="Amy Smith", allocated=date(2026, 1, 5), policy="wirral",
        dob=date(2015, 3, 1), worker="Sam Patel", team="West", family="SMITH",
        fields_given=frozenset({"name", "allocated", "policy", "dob", "worker", "team",
                                "family"}),
    )
    summary = import_cases(engine, policies, [from_csv])
    assert summary.cases.changed == 1
    with session_scope(engine, write=False) as session:
        detail = get_case_detail(session, "C1")
    assert detail.summary.team == "West"
    assert detail.summary.visit_every == "10wd"  # kept, not blanked


def test_a_closure_is_added_then_changed(engine, policies):
    import_cases(engine, policies, sample_cases())
    ben = replace(sample_cases()[1], closure=ClosureInput(date(2026, 11, 20), "RC8"))
    assert import_cases(engine, policies, [ben]).closures.added == 1
    ben.closure = ClosureInput(date(2026, 11, 20), "RC9")
    summary = import_cases(engine, policies, [ben])
    assert (summary.closures.changed, summary.cases.changed) == (1, 1)
    with session_scope(engine, write=False) as session:
        assert get_case_detail(session, "C2").closure.reason == "RC9"
        [entry] = audit_log(session, "C2", newest_first=True, limit=1)
    assert entry.summary == "Imported changes: closure changed"
    assert entry.before["closure"]["reason"] == "RC8"


def test_one_bad_record_stops_the_whole_import_and_every_error_is_reported(
    engine, policies, db_path
):
    import_cases(engine, policies, sample_cases()[:1])
    before = table_counts(engine)
    cases = sample_cases()
    cases[1] = replace(cases[1], dob=date(2026, 3, 1))  # born after allocation
    cases[2] = replace(cases[2], policy="wiral")
    cases.append(replace(cases[0], source="cases.json:4"))  # C1 twice
    with pytest.raises(ValidationFailed) as caught:
        import_cases(engine, policies, cases)
    assert [str(e) for e in caught.value.errors] == [
        "cases.json:2:dob: the date of birth (1 Mar 2026) is after allocation (5 Jan 2026); "
        "check both dates (leave it blank for an unborn child)",
        "cases.json:3:policy: 'wiral' is not a known policy; known: leicestershire, wirral",
        "cases.json:4:ref: 'C1' appears more than once in this import (first at "
        "cases.json:1); each case once",
    ]
    assert table_counts(engine) == before


def test_dry_run_reports_without_writing(engine, policies):
    summary = import_cases(engine, policies, sample_cases(), dry_run=True)
    assert summary.dry_run and summary.cases.added == 3
    assert str(summary).startswith("10 records would be added or changed.")
    assert table_counts(engine)["cases"] == 0


def test_one_record_is_reported_in_the_singular(engine, policies):
    # One case with no visits, meetings or closure: one record added.
    summary = import_cases(engine, policies, [CaseInput(ref="S1", name="Sam Single",
                                                        allocated=date(2026, 11, 2),
                                                        policy="wirral")])
    assert str(summary).startswith("1 record was added or changed.")


def test_a_failure_while_writing_leaves_nothing_half_written(engine, policies, monkeypatch):
    import models.audit

    def disk_gave_out(*args, **kwargs):  # after the cases, visits and meetings are written
        raise OSError("disk I/O error")

    monkeypatch.setattr(models.audit, "record_many", disk_gave_out)
    with pytest.raises(OSError):
        import_cases(engine, policies, sample_cases())
    assert set(table_counts(engine).values()) == {0}
