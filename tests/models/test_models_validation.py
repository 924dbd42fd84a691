"""Every validation rule, with the message the user reads."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from models.inputs import CaseInput, ClosureInput, MeetingInput, VisitInput
from models.validation import (
    FieldError,
    ValidationFailed,
    check_case,
    check_cases,
    check_closure,
    check_dob,
    check_meeting,
    check_visit,
)

pytestmark = pytest.mark.no_database(
    "checks inputs before anything is saved: no database is opened")

TODAY = date(2026, 11, 23)  # a Monday
DOB_AGED_9 = date(2017, 5, 1)


def messages(errors):
    return [str(e) for e in errors]


# --- FieldError / ValidationFailed ----------------------------------------------------------


def test_field_error_text_names_record_and_field():
    assert str(FieldError("dob", "bad")) == "dob: bad"
    assert str(FieldError("dob", "bad", "cases.json:3")) == "cases.json:3:dob: bad"


def test_validation_failed_carries_every_error():
    errors = [FieldError("a", "one"), FieldError("b", "two", "C1")]
    failed = ValidationFailed(errors)
    assert failed.errors == errors
    assert str(failed) == "a: one\nC1:b: two"


# --- visits ---------------------------------------------------------------------------------


def good_visit(**changes) -> VisitInput:
    visit = VisitInput(
        date=date(2026, 11, 20), seen=True, seen_alone=True, childs_voice="Likes school",
        location="home", recorded=date(2026, 11, 20),
    )
    return replace(visit, **changes)


def test_a_complete_visit_passes():
    assert check_visit(good_visit(), dob=DOB_AGED_9, today=TODAY) == []


def test_visit_after_today():
    errors = check_visit(good_visit(date=date(2026, 11, 24), recorded=None), dob=None, today=TODAY)
    assert messages(errors) == [
        "date: 24 Nov 2026 is after today (23 Nov 2026); record a visit once it has happened"
    ]


def test_visit_today_is_fine():
    assert check_visit(good_visit(date=TODAY, recorded=TODAY), dob=DOB_AGED_9, today=TODAY) == []


def test_seen_alone_when_not_seen():
    errors = check_visit(
        good_visit(seen=False, seen_alone=True, childs_voice=None), dob=DOB_AGED_9, today=TODAY
    )
    assert messages(errors) == [
        "seen_alone: cannot be yes when the child was not seen; set seen to yes, or "
        "seen_alone to no or blank"
    ]


def test_child_over_three_not_seen_alone_needs_a_reason():
    errors = check_visit(good_visit(seen_alone=False), dob=DOB_AGED_9, today=TODAY)
    # Born 1 May 2017: 9 on 20 Nov 2026.
    assert messages(errors) == [
        "not_alone_reason: the child was 9 on 20 Nov 2026 and was not seen alone: record the "
        "reason (required for a child aged 3 or over)"
    ]
    assert check_visit(
        good_visit(seen_alone=False, not_alone_reason="Mother would not allow it"),
        dob=DOB_AGED_9, today=TODAY,
    ) == []


def test_the_age_of_three_is_counted_on_the_visit_date():
    visit = good_visit(date=TODAY, recorded=TODAY, seen_alone=False)
    # Born 24 Nov 2023: the third birthday is tomorrow, so the child is still 2 today.
    assert check_visit(visit, dob=date(2023, 11, 24), today=TODAY) == []
    # Born 23 Nov 2023: 3 today, so a reason is needed.
    [error] = check_visit(visit, dob=date(2023, 11, 23), today=TODAY)
    assert error.field == "not_alone_reason"
    assert "the child was 3 on 23 Nov 2026" in error.message


def test_a_child_born_on_29_february_is_3_from_1_march_in_a_year_without_one():
    # Born Thu 29 Feb 2024 (policies.ages): 2027 has no 29 Feb, so the third birthday is
    # Mon 1 Mar 2027. Seen on Sun 28 Feb 2027 the child is 2: no reason needed; seen on
    # 1 Mar 2027 the child is 3: a reason is needed.
    dob = date(2024, 2, 29)
    today = date(2027, 3, 2)

    def visit(on: date) -> VisitInput:
        return good_visit(date=on, recorded=on, seen_alone=False)

    assert check_visit(visit(date(2027, 2, 28)), dob=dob, today=today) == []
    [error] = check_visit(visit(date(2027, 3, 1)), dob=dob, today=today)
    assert error.field == "not_alone_reason"
    assert "the child was 3 on 1 Mar 2027" in error.message


def test_the_oldest_date_of_birth_accepted_is_the_one_the_message_gives():
    # A case allocated Sun 28 Feb 2027 is for a child under 19 then (18 at most). Born
    # 29 Feb 2008, the child's 19th birthday is 1 Mar 2027 (2027 has no 29 Feb), so they are
    # still 18 on 28 Feb 2027: accepted. Born 28 Feb 2008: 19 that day, refused, and the
    # message names 29 Feb 2008 as the earliest date of birth accepted.
    allocated = date(2027, 2, 28)
    assert check_dob(date(2008, 2, 29), allocated=allocated) == []
    [error] = check_dob(date(2008, 2, 28), allocated=allocated)
    assert "the child would have been 19 at allocation (28 Feb 2027)" in error.message
    assert "a date of birth from 29 Feb 2008 on is accepted" in error.message


def test_form_without_date_of_birth_still_needs_a_reason_but_an_import_does_not():
    visit = good_visit(seen_alone=False)
    [error] = check_visit(visit, dob=None, today=TODAY)
    assert str(error) == (
        "not_alone_reason: the child was not seen alone and has no date of birth recorded: "
        "record the reason (required for a child aged 3 or over)"
    )
    assert check_visit(visit, dob=None, today=TODAY, historic=True) == []


def test_form_must_say_whether_seen_alone_and_record_the_childs_voice():
    errors = check_visit(
        good_visit(seen_alone=None, childs_voice="  "), dob=DOB_AGED_9, today=TODAY
    )
    assert messages(errors) == [
        "seen_alone: say whether the child was seen alone (yes or no)",
        "childs_voice: record the child's views and wishes (the child's voice) when the child "
        "was seen",
    ]


def test_import_may_lack_seen_alone_and_childs_voice():
    visit = good_visit(seen_alone=None, childs_voice=None)
    assert check_visit(visit, dob=DOB_AGED_9, today=TODAY, historic=True) == []


def test_child_not_seen_needs_no_voice():
    visit = good_visit(seen=False, seen_alone=None, childs_voice=None)
    assert check_visit(visit, dob=DOB_AGED_9, today=TODAY) == []


def test_unknown_location_lists_the_accepted_ones():
    errors = check_visit(good_visit(location="park"), dob=DOB_AGED_9, today=TODAY)
    assert messages(errors) == [
        "location: 'park' is not a visit location; use one of: home, school, other"
    ]


def test_recorded_before_the_visit_or_after_today():
    errors = check_visit(good_visit(recorded=date(2026, 11, 19)), dob=DOB_AGED_9, today=TODAY)
    assert messages(errors) == [
        "recorded: 19 Nov 2026 is before the visit (20 Nov 2026); a visit is recorded on or "
        "after the day it happened"
    ]
    errors = check_visit(good_visit(recorded=date(2026, 11, 30)), dob=DOB_AGED_9, today=TODAY)
    assert messages(errors) == [
        "recorded: 30 Nov 2026 is after today (23 Nov 2026); use the date the record was written"
    ]


def test_visit_after_the_case_closed():
    errors = check_visit(
        good_visit(), dob=DOB_AGED_9, today=TODAY, closure_date=date(2026, 11, 13)
    )
    assert messages(errors) == [
        "date: 20 Nov 2026 is after the case was closed (13 Nov 2026); a closed case takes no "
        "new visits"
    ]


def test_nested_field_names_use_the_prefix():
    [error] = check_visit(good_visit(location="park"), dob=None, today=TODAY, prefix="visits[2].")
    assert error.field == "visits[2].location"


# --- meetings -------------------------------------------------------------------------------


def test_unknown_kind_and_status_list_the_accepted_ones():
    errors = check_meeting(MeetingInput("core_group", "pending", date(2026, 11, 2)), today=TODAY)
    assert messages(errors) == [
        "kind: 'core_group' is not a meeting kind; use one of: family_network, initial, "
        "review, progress, closure, transfer_in",
        "status: 'pending' is not a meeting status; use one of: booked, held, cancelled",
    ]


def test_held_meeting_after_today():
    errors = check_meeting(MeetingInput("review", "held", date(2026, 12, 1)), today=TODAY)
    assert messages(errors) == [
        "date: 1 Dec 2026 is after today (23 Nov 2026); only a booked meeting can be in the "
        "future: book it, or correct the date"
    ]


@pytest.mark.parametrize("when", [date(2026, 10, 1), date(2026, 12, 1)])
def test_booked_meeting_may_be_past_or_future(when):
    assert check_meeting(MeetingInput("review", "booked", when), today=TODAY) == []


def test_cancelled_meeting_keeps_its_planned_future_date_but_needs_a_reason_in_a_form():
    meeting = MeetingInput(
        "review", "cancelled", date(2026, 12, 1), cancelled_on=date(2026, 11, 20)
    )
    assert messages(check_meeting(meeting, today=TODAY)) == [
        "cancel_reason: say why the meeting was cancelled"
    ]
    assert check_meeting(meeting, today=TODAY, historic=True) == []
    assert check_meeting(replace(meeting, cancel_reason="Family ill"), today=TODAY) == []


def test_cancellation_date_rules():
    meeting = MeetingInput("review", "held", date(2026, 11, 2), cancelled_on=date(2026, 11, 30))
    assert messages(check_meeting(meeting, today=TODAY)) == [
        "cancelled_on: only a cancelled meeting has a cancellation date (this one is held)",
        "cancelled_on: 30 Nov 2026 is after today (23 Nov 2026); use the date it was cancelled",
    ]


def test_circulation_rules():
    booked = MeetingInput("review", "booked", date(2026, 11, 2), circulated=date(2026, 11, 3))
    assert messages(check_meeting(booked, today=TODAY)) == [
        "circulated: only a held meeting can be circulated (this one is booked)"
    ]
    early = MeetingInput("review", "held", date(2026, 11, 2), circulated=date(2026, 11, 1))
    assert messages(check_meeting(early, today=TODAY)) == [
        "circulated: 1 Nov 2026 is before the meeting (2 Nov 2026); notes are circulated on "
        "or after the day it was held"
    ]
    late = MeetingInput("review", "held", date(2026, 11, 2), circulated=date(2026, 11, 24))
    assert messages(check_meeting(late, today=TODAY)) == [
        "circulated: 24 Nov 2026 is after today (23 Nov 2026); use the date they were sent"
    ]


def test_held_meeting_after_closure():
    meeting = MeetingInput("review", "held", date(2026, 11, 2))
    assert messages(check_meeting(meeting, today=TODAY, closure_date=date(2026, 10, 30))) == [
        "date: 2 Nov 2026 is after the case was closed (30 Oct 2026)"
    ]


# --- closure --------------------------------------------------------------------------------


def test_unknown_closure_reason_lists_census_codes(policies):
    closure = ClosureInput(date(2026, 11, 20), "moved")
    errors = check_closure(closure, case_dates=[], today=TODAY, policy=policies["wirral"])
    assert messages(errors) == [
        "reason: 'moved' is not a closure reason; use a census code RC1 to RC9"
    ]


def test_closure_reason_may_be_the_packs_own_and_lists_it(policies):
    policy = policies["leicestershire"]
    done = {"manager_agreement": True, "closure_summary": True}
    ok = ClosureInput(date(2026, 11, 20), "stepped_across", checklist=done)
    assert check_closure(ok, case_dates=[], today=TODAY, policy=policy) == []
    bad = ClosureInput(date(2026, 11, 20), "rc7", checklist=done)
    assert messages(check_closure(bad, case_dates=[], today=TODAY, policy=policy)) == [
        "reason: 'rc7' is not a closure reason; use a census code RC1 to RC9, or one of this "
        "pack's own: stepped_across"
    ]


@pytest.mark.parametrize("code", [f"RC{n}" for n in range(1, 10)])
def test_every_census_code_is_accepted(policies, code):
    closure = ClosureInput(date(2026, 11, 20), code)
    assert check_closure(closure, case_dates=[], today=TODAY, policy=policies["wirral"]) == []


def test_closure_after_today(policies):
    closure = ClosureInput(date(2026, 11, 24), "RC7")
    assert messages(check_closure(closure, case_dates=[], today=TODAY,
                                  policy=policies["wirral"])) == [
        "date: 24 Nov 2026 is after today (23 Nov 2026); a case is closed on or before today"
    ]


def test_closure_before_another_date_of_the_case_names_the_latest(policies):
    closure = ClosureInput(date(2026, 11, 2), "RC7")
    dates = [("allocation", date(2026, 1, 5)), ("visit", date(2026, 11, 10)),
             ("review meeting", date(2026, 11, 6)), ("visit", date(2026, 11, 2))]
    errors = check_closure(closure, case_dates=dates, today=TODAY, policy=policies["wirral"])
    assert messages(errors) == [
        "date: 2 Nov 2026 is before the visit on 10 Nov 2026; a closure date must be on or "
        "after every other date of the case (CIN census rules 8630 and 8565)"
    ]


def test_closure_on_the_day_of_the_last_visit_is_fine(policies):
    closure = ClosureInput(date(2026, 11, 10), "RC7")
    dates = [("visit", date(2026, 11, 10))]
    assert check_closure(closure, case_dates=dates, today=TODAY, policy=policies["wirral"]) == []


def test_form_closure_needs_the_required_checklist_items(policies):
    policy = policies["leicestershire"]
    closure = ClosureInput(date(2026, 11, 20), "RC7", checklist={"manager_agreement": True})
    # "early_help_considered" is not required by this pack, so only the summary is missing.
    assert messages(check_closure(closure, case_dates=[], today=TODAY, policy=policy)) == [
        "checklist: not done: Review and closure summary. The pack requires these before a "
        "case is closed for RC7 (Services ceased for any other reason, including child no "
        "longer in need)"
    ]
    assert check_closure(closure, case_dates=[], today=TODAY, policy=policy, historic=True) == []


def test_form_step_down_to_early_help_needs_the_lead_professional(policies):
    policy = policies["wirral"]
    closure = ClosureInput(date(2026, 11, 20), "RC9", step_down_to_early_help=True,
                           lead_professional="  ")
    assert messages(check_closure(closure, case_dates=[], today=TODAY, policy=policy)) == [
        "lead_professional: a step-down to Early Help needs its lead professional: give their "
        "name and agency (the person who leads the Early Help support), or untick the step-down"
    ]
    named = replace(closure, lead_professional="Kay Ross, Oak School")
    assert check_closure(named, case_dates=[], today=TODAY, policy=policy) == []
    # No step-down, no lead professional needed.
    no_step_down = replace(closure, step_down_to_early_help=False)
    assert check_closure(no_step_down, case_dates=[], today=TODAY, policy=policy) == []
    # An imported old record is taken as it was kept.
    assert check_closure(closure, case_dates=[], today=TODAY, policy=policy, historic=True) == []


def test_unknown_checklist_item(policies):
    closure = ClosureInput(date(2026, 11, 20), "RC7", checklist={"letters_sent": True})
    errors = check_closure(closure, case_dates=[], today=TODAY, policy=policies["leicestershire"])
    assert messages(errors) == [
        "checklist: unknown item 'letters_sent'; items: manager_agreement, closure_summary, "
        "early_help_considered"
    ]
    errors = check_closure(closure, case_dates=[], today=TODAY, policy=policies["wirral"])
    assert messages(errors) == [
        "checklist: unknown item 'letters_sent'; this pack has no closure checklist"
    ]


# --- whole cases (imports) ------------------------------------------------------------------


def good_case(**changes) -> CaseInput:
    case = CaseInput(
        ref="C1", name="Amy", allocated=date(2026, 1, 5), policy="wirral", dob=DOB_AGED_9,
        source="cases.json:1",
    )
    return replace(case, **changes)


def test_a_good_case_passes(policies):
    assert check_case(good_case(), policies=policies, today=TODAY) == []


def test_unknown_policy_lists_the_known_ones(policies):
    errors = check_case(good_case(policy="wiral"), policies=policies, today=TODAY)
    assert messages(errors) == [
        "cases.json:1:policy: 'wiral' is not a known policy; known: leicestershire, wirral"
    ]


def test_date_of_birth_after_allocation(policies):
    errors = check_case(good_case(dob=date(2026, 2, 1)), policies=policies, today=TODAY)
    assert messages(errors) == [
        "cases.json:1:dob: the date of birth (1 Feb 2026) is after allocation (5 Jan 2026); "
        "check both dates (leave it blank for an unborn child)"
    ]


def test_required_text_and_future_case_dates(policies):
    case = good_case(
        ref=" ", name="", allocated=date(2026, 11, 24), dob=None,
        plan_started=date(2026, 12, 1), source=None,
    )
    assert messages(check_case(case, policies=policies, today=TODAY)) == [
        " :ref: required: the case reference",
        " :name: required: the child's name",
        " :allocated: 24 Nov 2026 is after today (23 Nov 2026); use the allocation date",
        " :plan_started: 1 Dec 2026 is after today (23 Nov 2026); it must have happened",
    ]


def test_step_down_needs_a_known_source_and_a_date(policies):
    assert messages(check_case(
        good_case(stepped_down_from="cp"), policies=policies, today=TODAY
    )) == [
        "cases.json:1:stepped_down_from: 'cp' is not a step-down source; use one of: cp_plan, "
        "care, supervision_order, cp_conference"
    ]
    assert messages(check_case(
        good_case(stepped_down_from="cp_plan"), policies=policies, today=TODAY
    )) == ["cases.json:1:stepped_down_on: required with stepped_down_from: the date"]
    assert messages(check_case(
        good_case(stepped_down_on=date(2026, 3, 1)), policies=policies, today=TODAY
    )) == [
        "cases.json:1:stepped_down_from: required with stepped_down_on; use one of: cp_plan, "
        "care, supervision_order, cp_conference"
    ]


def test_case_errors_number_the_visits_and_meetings_from_one(policies):
    case = good_case(
        visits=[good_visit(), good_visit(seen=False, seen_alone=True, childs_voice=None)],
        meetings=[MeetingInput("review", "held", date(2026, 12, 1))],
    )
    assert messages(check_case(case, policies=policies, today=TODAY)) == [
        "cases.json:1:visits[2].seen_alone: cannot be yes when the child was not seen; set "
        "seen to yes, or seen_alone to no or blank",
        "cases.json:1:meetings[1].date: 1 Dec 2026 is after today (23 Nov 2026); only a booked "
        "meeting can be in the future: book it, or correct the date",
    ]


def test_imported_closure_before_a_held_meeting(policies):
    # Census rules 8630/8565: the closure date must not be before anything else in the case.
    case = good_case(
        meetings=[MeetingInput("review", "held", date(2026, 10, 12)),
                  MeetingInput("review", "booked", date(2026, 12, 1))],
        closure=ClosureInput(date(2026, 10, 9), "RC7"),
    )
    assert messages(check_case(case, policies=policies, today=TODAY)) == [
        "cases.json:1:closure.date: 9 Oct 2026 is before the review meeting on 12 Oct 2026; a "
        "closure date must be on or after every other date of the case (CIN census rules "
        "8630 and 8565)"
    ]


def test_record_falls_back_to_the_ref(policies):
    [error] = check_case(good_case(policy="x", source=None), policies=policies, today=TODAY)
    assert error.record == "C1"


def test_duplicate_refs_in_one_import(policies):
    cases = [good_case(), good_case(source="cases.json:2")]
    assert messages(check_cases(cases, policies=policies, today=TODAY)) == [
        "cases.json:2:ref: 'C1' appears more than once in this import (first at "
        "cases.json:1); each case once"
    ]
