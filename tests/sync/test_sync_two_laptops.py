"""Issue 14, done when: two laptops record offline (new visits, an edit of the same case
field, a correction), then sync in either order: every visit is present once on all three,
the field changed on both sides is a conflict on the laptop that synced second (both values
shown), and there are audit rows for everything."""

from __future__ import annotations

from datetime import date

import pytest

from models.inputs import VisitInput

from .team import correct_visit, family

NOV_9, NOV_18, NOV_19 = date(2026, 11, 9), date(2026, 11, 18), date(2026, 11, 19)


def _both_offline(team, laptop):
    """Ann (worker) and Max (manager) take laptops out after a visit of 9 Nov was recorded on
    the server; each records a visit, changes N1's family group, and corrects the 9 Nov visit
    (Ann its child's voice, Max its place)."""
    with team.service(None) as server:
        server.log_visit("N1", VisitInput(date=NOV_9, seen=True, seen_alone=True,
                                          childs_voice="Likes football", location="home"))
    ann, max_ = laptop("ann"), laptop("max")
    ann.sync()
    max_.sync()
    ann.visit("N1", NOV_18, "Ann: worried about the move")
    max_.visit("N1", NOV_19, "Max: happy at school")
    for person, group in ((ann, "Lee family (Ann)"), (max_, "Lee family (Max)")):
        with person.service() as service:
            service.edit_case("N1", {"family": group})
    correct_visit(ann, "N1", NOV_9, "Typed the wrong words", childs_voice="Likes football and art")
    correct_visit(max_, "N1", NOV_9, "It was at school", location="school")
    return ann, max_


@pytest.mark.parametrize("ann_first", [True, False], ids=["ann-first", "max-first"])
def test_two_laptops_sync_in_either_order(team, laptop, ann_first):
    ann, max_ = _both_offline(team, laptop)
    first, second = (ann, max_) if ann_first else (max_, ann)
    first_report = first.sync()
    assert first_report.conflicts == [] and first_report.refusals == []
    second_report = second.sync()
    first.sync()  # brings the second's visit down to the first

    # Every visit once, on the server and on both laptops, with both corrections applied
    # (they changed different fields of the 9 Nov visit, so both stand).
    expected = [("2026-11-09", "Likes football and art"), ("2026-11-18", "Ann: worried about "
                "the move"), ("2026-11-19", "Max: happy at school")]
    server_visits = team.sql("SELECT v.date::text, v.childs_voice, v.location FROM visits v "
                             "JOIN cases c ON c.id = v.case_id WHERE c.ref = 'N1' ORDER BY 1")
    assert [(d, voice) for d, voice, _ in server_visits] == expected
    assert server_visits[0][2] == "school"
    assert ann.visits("N1") == max_.visits("N1") == expected

    # The family group: the first to sync set it; the second's value is a conflict beside it.
    first_value = "Lee family (Ann)" if ann_first else "Lee family (Max)"
    second_value = "Lee family (Max)" if ann_first else "Lee family (Ann)"
    assert team.sql("SELECT family FROM cases WHERE ref = 'N1'") == [(first_value,)]
    [conflict] = second_report.conflicts
    assert (conflict.ref, conflict.record_type, conflict.field) == ("N1", "case", "family")
    assert (conflict.server, conflict.laptop, conflict.base) == (first_value, second_value, None)
    assert family(second, "N1") == first_value  # the server's value stands on the laptop too
    with first.service() as service:
        assert service.sync_conflicts() == []

    # The server's audit trail: each visit and correction by the person who made it, from
    # their own login, and the first one's edit.
    audit = team.sql("SELECT actor, action FROM audit_log WHERE case_ref = 'N1' "
                     "AND action IN ('log_visit', 'correct_visit', 'edit_case') ORDER BY id")
    assert sorted(audit) == sorted([
        ("IT set-up", "log_visit"), ("Ann Lee", "log_visit"), ("Max Ford", "log_visit"),
        ("Ann Lee", "correct_visit"), ("Max Ford", "correct_visit"),
        ("Ann Lee" if ann_first else "Max Ford", "edit_case")])
    # The laptop that synced second has the conflict in its own audit trail.
    with second.service() as service:
        actions = [entry.action for entry in service.audit_entries("N1")]
    assert "sync_conflict" in actions and "sync_fetch" in actions


def test_choosing_the_laptops_value_sends_it_and_both_choices_are_audited(team, laptop):
    ann, max_ = _both_offline(team, laptop)
    ann.sync()
    [conflict] = max_.sync().conflicts
    with max_.service() as service:
        service.resolve_conflict(conflict.id, keep="laptop")
        assert service.sync_conflicts() == []
    assert family(max_, "N1") == "Lee family (Max)"
    assert max_.sync().sent == ["N1: case details changed (family)"]
    assert team.sql("SELECT family FROM cases WHERE ref = 'N1'") == [("Lee family (Max)",)]
    # Audited on the server: the edit, from Max's login.
    assert team.sql("SELECT actor FROM audit_log WHERE case_ref = 'N1' AND action = "
                    "'edit_case' ORDER BY id DESC LIMIT 1") == [("Max Ford",)]
    with max_.service() as service:
        kept = [e for e in service.audit_entries("N1") if e.action == "sync_keep_laptop"]
    assert len(kept) == 1 and "Lee family (Max)" in kept[0].summary
    ann.sync()
    assert family(ann, "N1") == "Lee family (Max)"


def test_choosing_the_servers_value_lets_the_laptops_go_audited_on_the_laptop(team, laptop):
    ann, max_ = _both_offline(team, laptop)
    max_.sync()
    [conflict] = ann.sync().conflicts
    with ann.service() as service:
        service.resolve_conflict(conflict.id, keep="server")
        entries = [e for e in service.audit_entries("N1") if e.action == "sync_keep_server"]
    assert len(entries) == 1 and "Lee family (Ann)" in entries[0].summary
    assert ann.sync().sent == []
    assert family(ann, "N1") == "Lee family (Max)"


def test_the_same_field_of_the_same_visit_corrected_on_both_sides_is_a_conflict(team, laptop):
    with team.service(None) as server:
        server.log_visit("N1", VisitInput(date=NOV_9, seen=True, seen_alone=True,
                                          childs_voice="Likes football", location="home"))
    ann, max_ = laptop("ann"), laptop("max")
    ann.sync()
    max_.sync()
    correct_visit(ann, "N1", NOV_9, "Her words", childs_voice="Likes football and art")
    correct_visit(max_, "N1", NOV_9, "His words", childs_voice="Likes football and music")
    assert ann.sync().sent == ["N1: visit of 9 Nov 2026 corrected"]
    report = max_.sync()
    assert report.sent == []
    [conflict] = report.conflicts
    assert (conflict.record_type, conflict.field) == ("visit", "childs_voice")
    assert (conflict.base, conflict.server, conflict.laptop) == (
        "Likes football", "Likes football and art", "Likes football and music")
    assert max_.visits("N1") == [("2026-11-09", "Likes football and art")]
    with max_.service() as service:
        service.resolve_conflict(conflict.id, keep="laptop")
    assert max_.visits("N1") == [("2026-11-09", "Likes football and music")]
    assert max_.sync().sent == ["N1: visit of 9 Nov 2026 corrected"]
    assert team.sql("SELECT childs_voice FROM visits") == [("Likes football and music",)]
    # Each correction is in the history on the server, with its reason and who made it.
    assert team.sql("SELECT actor, reason FROM corrections ORDER BY at") == [
        ("Ann Lee", "Her words"), ("Max Ford", "Kept this laptop's value after a sync conflict")]
