"""When the server refuses a laptop change (the case was reallocated to another worker
meanwhile, so its row-level security refuses Ann's write), the change is kept on the laptop,
shown with the reason, and not lost: it is sent once the server takes it, or discarded
(audited) when the worker lets it go."""

from __future__ import annotations

from datetime import date

from .team import family


def _reallocated_meanwhile(team, laptop):
    ann = laptop("ann")
    ann.sync()
    ann.visit("N2", date(2026, 11, 20), "Told me about the new baby")
    with ann.service() as service:
        service.edit_case("N2", {"family": "Moss family"})
    with team.service(team.max, actor="Max Ford") as manager:
        manager.edit_case("N2", {"worker": "Bea Cole"})
    return ann


def test_a_change_to_a_case_reallocated_meanwhile_is_kept_with_the_reason(team, laptop):
    ann = _reallocated_meanwhile(team, laptop)
    report = ann.sync()
    assert report.sent == []
    assert [r.summary for r in report.refusals] == [
        "N2: new visit of 20 Nov 2026", "N2: case details changed (family)"]
    for refusal in report.refusals:
        assert "cannot be changed from this account" in refusal.reason
    assert len(report.refused) == 2
    # Nothing of it reached the server; the laptop shows the server's N2 (now Bea's)...
    assert team.sql("SELECT count(*) FROM visits") == [(0,)]
    assert family(ann, "N2") is None
    with ann.service() as service:
        assert service.case_detail("N2").summary.worker == "Bea Cole"
        kept = service.sync_refusals()
    # ...and keeps what Ann recorded, word for word, until it is sent or let go.
    visit = next(r.change for r in kept if r.change.kind == "visit")
    assert visit.values["childs_voice"] == "Told me about the new baby"
    # Refused again at the next sync: kept once, not twice.
    again = ann.sync()
    assert len(again.refusals) == 2 and again.sent == []


def test_a_kept_change_is_sent_once_the_server_takes_it(team, laptop):
    ann = _reallocated_meanwhile(team, laptop)
    [uid] = [r.change.uid for r in ann.sync().refusals if r.change.kind == "visit"]
    with team.service(team.max, actor="Max Ford") as manager:
        manager.edit_case("N2", {"worker": "Ann Lee"})
    report = ann.sync()
    assert sorted(report.sent) == ["N2: case details changed (family)",
                                   "N2: new visit of 20 Nov 2026"]
    assert report.refusals == []
    # The visit the laptop recorded, under its own identity, once.
    assert team.sql("SELECT uid, childs_voice FROM visits") == [
        (uid, "Told me about the new baby")]
    assert ann.visits("N2") == [("2026-11-20", "Told me about the new baby")]
    assert family(ann, "N2") == "Moss family"


def test_discarding_a_refused_change_is_audited_on_the_laptop(team, laptop):
    ann = _reallocated_meanwhile(team, laptop)
    refused = ann.sync().refusals
    visit = next(r for r in refused if r.change.kind == "visit")
    with ann.service() as service:
        service.discard_refusal(visit.id)
        assert [r.summary for r in service.sync_refusals()] == [
            "N2: case details changed (family)"]
        [entry] = [e for e in service.audit_entries("N2") if e.action == "sync_discard"]
    assert "new visit of 20 Nov 2026" in entry.summary
    assert "cannot be changed from this account" in entry.summary
    assert entry.before is not None
    assert entry.before["values"]["childs_voice"] == "Told me about the new baby"


def test_a_case_added_offline_under_a_reference_taken_on_the_server_keeps_its_visits(
        team, laptop):
    from models.inputs import CaseInput

    with team.service(None) as server:  # another team's child, which Ann cannot see
        server.add_case(CaseInput(ref="S1", name="Child S1", policy="wirral",
                                  allocated=date(2026, 11, 2), worker="Sol Park",
                                  team="South"))
    ann = laptop("ann")
    ann.sync()
    with ann.service() as service:
        service.add_case(CaseInput(ref="S1", name="New Child", policy="wirral",
                                   allocated=date(2026, 11, 16), worker="Ann Lee",
                                   team="North"))
    ann.visit("S1", date(2026, 11, 20), "First visit")
    for _ in range(2):  # and the same when tried again
        report = ann.sync()
        assert [r.summary for r in report.refusals] == [
            "S1: the new case New Child", "S1: new visit of 20 Nov 2026"]
        assert "refused the case itself" in report.refusals[1].reason
    # Nothing of Ann's reached the other team's child.
    assert team.sql("SELECT count(*) FROM visits") == [(0,)]
    assert team.sql("SELECT name, team FROM cases WHERE ref = 'S1'") == [
        ("Child S1", "South")]
