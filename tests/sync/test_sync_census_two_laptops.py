"""Census fields recorded offline (issue 15's fields, issue 14's sync): a case added on a
laptop with its census return, and census fields edited on two laptops, reach the team server
and the other laptop; the same field changed on both is a conflict shown in words."""

from __future__ import annotations

from models.sync_words import conflict_line

from .test_sync_case_fields import EVERY_FIELD, UPN, _case


def test_census_fields_recorded_offline_reach_everyone(team, laptop):
    ann, max_ = laptop("ann"), laptop("max")
    ann.sync()
    max_.sync()
    with ann.service() as service:  # offline: a new child, and N1's referral and need
        service.add_case(EVERY_FIELD)
        service.edit_case("N1", {"referral_source": "2A", "primary_need": "N1", "sex": "F"})
    with max_.service() as service:  # offline too: N1's need read otherwise, its ethnicity
        service.edit_case("N1", {"primary_need": "N2", "ethnicity": "WBRI"})

    first = ann.sync()
    assert first.refusals == [] and first.conflicts == []
    second = max_.sync()
    ann.sync()  # brings Max's ethnicity to Ann

    # The new case arrived whole: every census field, on the server and on Max's laptop.
    [(need, factors, upn, disabilities, referred)] = team.sql(
        "SELECT primary_need, assessment_factors, upn, disabilities, referral_date::text "
        "FROM cases WHERE ref = 'N9'")
    assert (need, factors, upn, disabilities, referred) == (
        "N1", ["1A", "1B"], UPN, ["MOB", "HAND"], "2026-10-20")
    assert _case(max_.replica, "N9") == _case(ann.replica, "N9")

    # N1: Ann's fields and Max's ethnicity on all three; the need is Ann's (she synced
    # first) and Max's reading waits beside it, in words.
    assert team.sql("SELECT referral_source, primary_need, sex, ethnicity FROM cases "
                    "WHERE ref = 'N1'") == [("2A", "N1", "F", "WBRI")]
    for person in (ann, max_):
        n1 = _case(person.replica, "N1")
        assert (n1["referral_source"], n1["primary_need"], n1["sex"], n1["ethnicity"]) == (
            "2A", "N1", "F", "WBRI")
    [conflict] = second.conflicts
    assert conflict_line(conflict) == ("N1, the case's primary need: team server N1 Abuse or "
                                       "neglect, this laptop N2 Child's disability")
    # `cin sync --conflicts --json` gives scripts the same words beside the codes.
    from cin_tui.cli_sync import _conflict_json
    words = _conflict_json(conflict)["words"]
    assert (words["server"], words["laptop"]) == ("N1 Abuse or neglect", "N2 Child's disability")

    # Max keeps his reading: it reaches the server at his next sync, and Ann at hers.
    with max_.service() as service:
        service.resolve_conflict(conflict.id, keep="laptop")
    assert max_.sync().conflicts == []
    ann.sync()
    assert team.sql("SELECT primary_need FROM cases WHERE ref = 'N1'") == [("N2",)]
    assert _case(ann.replica, "N1")["primary_need"] == "N2"
    # The server's audit: each change by whoever made it, census fields and all.
    audit = team.sql("SELECT case_ref, actor, action, after FROM audit_log WHERE action IN "
                     "('add_case', 'edit_case') AND actor <> 'IT set-up' ORDER BY id")
    assert [(ref, actor, action) for ref, actor, action, _ in audit] == [
        ("N1", "Ann Lee", "edit_case"), ("N9", "Ann Lee", "add_case"),
        ("N1", "Max Ford", "edit_case"), ("N1", "Max Ford", "edit_case")]
    assert audit[1][3]["disabilities"] == ["MOB", "HAND"]
    assert [after for *_, after in audit[2:]] == [{"ethnicity": "WBRI"}, {"primary_need": "N2"}]


def test_disability_codes_changed_on_both_sides_wait_with_the_flag_they_set(team, laptop):
    # The disabled flag follows the codes: Ann's MOB says yes, the server's NONE says no. Only
    # the codes are a conflict; the flag is not sent alone against the server's codes, and
    # the rest of Ann's edit (the family group) goes through.
    ann = laptop("ann")
    ann.sync()
    with ann.service() as service:
        service.edit_case("N1", {"disabilities": ["MOB"], "family": "Lee family"})
    with team.service(None) as server:
        server.edit_case("N1", {"disabilities": ["NONE"]})
    report = ann.sync()
    assert report.refusals == []
    [conflict] = report.conflicts
    assert conflict_line(conflict) == ("N1, the case's disabilities: team server NONE No "
                                       "disability, this laptop MOB Mobility")
    assert team.sql("SELECT family, disabilities, disabled FROM cases WHERE ref = 'N1'") == [
        ("Lee family", ["NONE"], False)]
    with ann.service() as service:
        service.resolve_conflict(conflict.id, keep="laptop")
    ann.sync()
    assert team.sql("SELECT disabilities, disabled FROM cases WHERE ref = 'N1'") == [
        (["MOB"], True)]
