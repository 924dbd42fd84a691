"""Dates and text within sense (issue 10, finding 7 and "hostile text is inert" on input).

Every expected date below is worked out by hand in the comment beside it. Today is Monday
23 Nov 2026 throughout.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from models import commands
from models.db import session_scope
from models.inputs import CaseInput, ClosureInput, MeetingInput, VisitInput
from models.validation import ValidationFailed, check_case, check_meeting, check_text, check_visit
from policies.packs import load_policies

TODAY = date(2026, 11, 23)
POLICIES = load_policies(None)
# The checks themselves, before anything is saved; the tests through a database take `engine`.
VALIDATION_ONLY = pytest.mark.no_database("the checks alone, before anything is saved")


def case(**fields) -> CaseInput:
    fields.setdefault("ref", "C1")
    fields.setdefault("name", "Amy Jones")
    fields.setdefault("allocated", date(2026, 9, 1))
    fields.setdefault("policy", "wirral")
    return CaseInput(**fields)


def errors_of(c: CaseInput) -> list[str]:
    """Each error as "field: message", without the record (C1)."""
    return [f"{e.field}: {e.message}" for e in check_case(c, policies=POLICIES, today=TODAY)]


def seen(on: date) -> VisitInput:
    return VisitInput(date=on, seen=True, seen_alone=True, childs_voice="Likes school")


# --- the examples from the issue -------------------------------------------------------------


@VALIDATION_ONLY
def test_a_meeting_booked_for_1_jan_0001_is_refused():
    errors = errors_of(case(meetings=[MeetingInput("review", "booked", date(1, 1, 1))]))
    assert errors == [
        "meetings[1].date: 1 Jan 0001 is before 14 Oct 1991, when Child in Need (Children Act "
        "1989, section 17) began; check the year (a date from 14 Oct 1991 on is accepted)"
    ]


@VALIDATION_ONLY
def test_a_date_of_birth_in_1800_is_refused():
    # 15 Oct 1972 = 19 years before 14 Oct 1991, plus a day: the oldest child who could have
    # been under 19 when Child in Need began.
    assert errors_of(case(dob=date(1800, 1, 1))) == [
        "dob: 1 Jan 1800 is before 15 Oct 1972: a child born then was 19 or older when Child "
        "in Need began (14 Oct 1991); check the year"
    ]


@VALIDATION_ONLY
def test_a_visit_30_years_before_birth_is_refused():
    # Born Wed 8 Oct 2025. 40 weeks (280 days) earlier: 1 Jan -> 1 Oct 2025 is 273 days, and
    # 7 more to 8 Oct, so the earliest pre-birth date is Wed 1 Jan 2025.
    errors = errors_of(case(dob=date(2025, 10, 8), allocated=date(2026, 2, 2),
                            visits=[seen(date(1995, 10, 8))]))
    assert errors == [
        "visits[1].date: 8 Oct 1995 is more than 40 weeks before the child was born "
        "(8 Oct 2025); pre-birth work is accepted from 1 Jan 2025 on. Check both dates"
    ]


@VALIDATION_ONLY
def test_pre_birth_work_up_to_40_weeks_before_birth_is_accepted():
    # Same child: 1 Jan 2025 is exactly 40 weeks before the birth (see above); 31 Dec 2024
    # is one day more.
    born = date(2025, 10, 8)
    ok = case(dob=born, allocated=date(2026, 2, 2), visits=[seen(date(2025, 1, 1))],
              meetings=[MeetingInput("initial", "held", date(2025, 1, 1))])
    assert errors_of(ok) == []
    early = replace(ok, visits=[seen(date(2024, 12, 31))],
                    meetings=[MeetingInput("initial", "held", date(2024, 12, 31))])
    assert [e.split(":")[0] for e in errors_of(early)] == ["visits[1].date", "meetings[1].date"]


@VALIDATION_ONLY
def test_a_meeting_held_before_birth_is_refused():
    errors = errors_of(case(dob=date(2017, 5, 1),
                            meetings=[MeetingInput("review", "held", date(2010, 3, 4))]))
    # 40 weeks before 1 May 2017: 1 May 2016 is 365 days earlier (no 29 Feb in between), so
    # 280 days earlier is 85 days after 1 May 2016: May 30 left -> 31 May (30), June 30 ->
    # 30 Jun (60), 25 more -> 25 Jul 2016.
    assert errors == [
        "meetings[1].date: 4 Mar 2010 is more than 40 weeks before the child was born "
        "(1 May 2017); pre-birth work is accepted from 25 Jul 2016 on. Check both dates"
    ]


@VALIDATION_ONLY
def test_a_plan_before_allocation_is_refused():
    # Allocated Tue 1 Sep 2026: the day before is refused, the day itself accepted.
    assert errors_of(case(plan_started=date(2026, 9, 1))) == []
    assert errors_of(case(plan_started=date(2026, 8, 31))) == [
        "plan_started: 31 Aug 2026 is before the case was allocated (1 Sep 2026); the plan of "
        "this case starts on or after its allocation (1 Sep 2026 or later is accepted). Check "
        "both dates"
    ]


@VALIDATION_ONLY
def test_an_assessment_long_before_allocation_is_refused():
    # Leicestershire: FRCD completes the assessment, then Family Help allocates the plan
    # (tests/supervision/pilot.py: assessed Thu 30 Jul, allocated Mon 3 Aug 2026): accepted.
    # Allocated 1 Sep 2026 - 3 months = 1 Jun 2026: accepted; 31 May 2026 is refused.
    assert errors_of(case(policy="leicestershire", allocated=date(2026, 8, 3),
                          assessment_completed=date(2026, 7, 30))) == []
    assert errors_of(case(assessment_completed=date(2026, 6, 1))) == []
    assert errors_of(case(assessment_completed=date(2026, 5, 31))) == [
        "assessment_completed: 31 May 2026 is more than 3 months before the case was allocated "
        "(1 Sep 2026); an assessment finished by an assessment team before the case was "
        "allocated is accepted from 1 Jun 2026 on. Check both dates"
    ]


@VALIDATION_ONLY
def test_a_child_19_or_older_at_allocation_is_refused():
    # Allocated 1 Sep 2026. Born 2 Sep 2007: 18th birthday 2 Sep 2025, 19th on 2 Sep 2026,
    # so 18 at allocation: accepted. Born 1 Sep 2007: 19 on the day of allocation: refused.
    assert errors_of(case(dob=date(2007, 9, 2))) == []
    assert errors_of(case(dob=date(2007, 9, 1))) == [
        "dob: the child would have been 19 at allocation (1 Sep 2026); a Child in Need case is "
        "for a child under 18, so a date of birth from 2 Sep 2007 on is accepted. Check both "
        "dates"
    ]


@VALIDATION_ONLY
def test_nothing_before_child_in_need_began():
    # Part III of the Children Act 1989 came into force on Mon 14 Oct 1991.
    assert errors_of(case(allocated=date(1991, 10, 14), dob=date(1980, 1, 2))) == []
    assert errors_of(case(allocated=date(1991, 10, 13), dob=date(1980, 1, 2)))[0].startswith(
        "allocated: 13 Oct 1991 is before 14 Oct 1991")


@VALIDATION_ONLY
def test_bookings_at_most_two_years_ahead():
    # Today Mon 23 Nov 2026 + 2 years = Thu 23 Nov 2028 (accepted); Fri 24 Nov 2028 is not.
    assert check_meeting(MeetingInput("review", "booked", date(2028, 11, 23)), today=TODAY) == []
    [error] = check_meeting(MeetingInput("review", "booked", date(2028, 11, 24)), today=TODAY)
    assert str(error) == (
        "date: 24 Nov 2028 is more than 2 years after today (23 Nov 2026); book it for "
        "23 Nov 2028 or earlier"
    )
    # A cancelled meeting keeps the date it was planned for: the same limit.
    cancelled = MeetingInput("review", "cancelled", date(2029, 1, 1), cancelled_on=TODAY,
                             cancel_reason="Family away")
    assert [e.field for e in check_meeting(cancelled, today=TODAY)] == ["date"]


@VALIDATION_ONLY
def test_a_booking_limit_near_the_end_of_the_calendar_does_not_overflow():
    # A clock set to 9999 must give a refusal, never an OverflowError.
    far = date(9999, 12, 1)
    errors = check_meeting(MeetingInput("review", "booked", date(9999, 12, 31)), today=far)
    assert [e.field for e in errors] == ["date"]
    assert "31 Dec 2199, the last date cin accepts" in errors[0].message


@VALIDATION_ONLY
def test_every_refusal_in_an_import_names_the_record_and_field():
    c = case(source="cases.json:case 1 (ref C1)",
             meetings=[MeetingInput("review", "booked", date(1, 1, 1))])
    [error] = check_case(c, policies=POLICIES, today=TODAY)
    assert str(error).startswith("cases.json:case 1 (ref C1):meetings[1].date: 1 Jan 0001")


# --- forms: the same limits --------------------------------------------------------------------


def run(engine, command, **kwargs):
    with session_scope(engine) as session:
        return command(session, **kwargs)


def refused(engine, command, **kwargs) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        run(engine, command, **kwargs)
    return [str(e) for e in caught.value.errors]


def test_forms_refuse_a_booking_more_than_two_years_ahead(engine, add_case):
    add_case("C1", dob=date(2017, 5, 1))
    # 23 Nov 2026 + 2 years = 23 Nov 2028 (see above).
    assert refused(engine, commands.book_meeting, ref="C1", kind="review",
                   date=date(2028, 11, 24), actor="Sam", today=TODAY) == [
        "date: 24 Nov 2028 is more than 2 years after today (23 Nov 2026); book it for "
        "23 Nov 2028 or earlier"
    ]
    meeting_id = run(engine, commands.book_meeting, ref="C1", kind="review",
                     date=date(2026, 11, 20), actor="Sam", today=TODAY)
    assert refused(engine, commands.record_meeting_held, meeting_id=meeting_id,
                   date=date(2026, 11, 20), chair="Jo", chair_role="team_manager",
                   family_attended=True, next_meeting_date=date(2030, 1, 1),
                   actor="Sam", today=TODAY) == [
        "next_meeting_date: 1 Jan 2030 is more than 2 years after today (23 Nov 2026); book "
        "it for 23 Nov 2028 or earlier"
    ]


def test_forms_refuse_a_visit_before_child_in_need_began(engine, add_case):
    add_case("C1")
    assert refused(engine, commands.log_visit, ref="C1", visit=seen(date(1, 1, 1)),
                   actor="Sam", today=TODAY)[0].startswith("date: 1 Jan 0001 is before 14 Oct 1991")


def test_an_oversight_action_due_more_than_two_years_ahead_is_refused(engine, add_case):
    add_case("C1")
    errors = refused(engine, commands.add_oversight_note, ref="C1", author="Jo Manager",
                     decision="Keep open", rationale="Still needed",
                     actions=[("Review", "Sam", date(2030, 1, 1))], today=TODAY)
    assert errors == ["actions[1].due: 1 Jan 2030 is more than 2 years after today "
                      "(23 Nov 2026); book it for 23 Nov 2028 or earlier"]


# --- control characters on input --------------------------------------------------------------


@VALIDATION_ONLY
def test_an_escape_sequence_in_a_name_is_refused_with_its_place():
    # OSC 52 (writes the clipboard): ESC ] 52 ; c ; ... BEL. ESC is the 4th character.
    errors = errors_of(case(name="Amy\x1b]52;c;aGVsbG8=\x07"))
    assert errors == [
        "name: has an escape character (U+001B) at character 4; one line of plain text is "
        "accepted: no line breaks, tabs, control characters or direction-changing characters"
    ]


@pytest.mark.parametrize(("text", "words"), [
    ("Sam\nPatel", "line break (U+000A)"),
    ("Sam\tPatel", "tab (U+0009)"),
    ("Sam\x00", "NUL (U+0000)"),
    ("Sam\x7f", "delete character (U+007F)"),
    ("Sam\x9b2J", "control character (U+009B)"),      # C1 CSI
    ("Sam\u202ekaP", "right-to-left override character (U+202E)"),
    ("Sam\u2066x\u2069", "left-to-right isolate character (U+2066)"),
])
@VALIDATION_ONLY
def test_one_line_fields_refuse_controls_line_breaks_tabs_and_bidi(text, words):
    for field in ("ref", "name", "worker", "team", "family"):
        errors = [e for e in check_case(case(**{field: text}), policies=POLICIES, today=TODAY)
                  if e.field == field]
        assert len(errors) == 1, (field, errors)
        assert f"{words} at character 4" in errors[0].message


@VALIDATION_ONLY
def test_long_text_keeps_line_breaks_and_tabs_but_not_other_controls():
    visit = VisitInput(date=date(2026, 11, 20), seen=True, seen_alone=False,
                       not_alone_reason="Mum stayed:\n\tshe was worried",
                       childs_voice="I like my teacher.\nI miss Dad.")
    assert check_visit(visit, dob=date(2017, 5, 1), today=TODAY) == []
    hostile = replace(visit, childs_voice="I like\x1b[2J my teacher")
    [error] = check_visit(hostile, dob=date(2017, 5, 1), today=TODAY)
    assert str(error) == (
        "childs_voice: has an escape character (U+001B) at character 7; plain text is accepted: "
        "line breaks and tabs are fine, other control characters and direction-changing characters "
        "are not"
    )
    assert [e.field for e in check_visit(replace(visit, childs_voice="a\rb"),
                                         dob=date(2017, 5, 1), today=TODAY)] == ["childs_voice"]


@VALIDATION_ONLY
def test_ordinary_names_in_any_script_are_accepted():
    for name in ("Siân Ó Briain", "Zoë-Mae O'Neil", "محمد علي", "Łucja Wiśniewska", "李小龍 🙂"):
        assert check_text("name", name) == []


@VALIDATION_ONLY
def test_meeting_and_closure_text_fields_are_checked():
    meeting = MeetingInput("review", "cancelled", date(2026, 11, 30), cancelled_on=TODAY,
                           cancel_reason="Family ill\n(rebooking)", chair="Jo\x1b[1m")
    assert [e.field for e in check_meeting(meeting, today=TODAY)] == ["chair"]
    c = case(closure=ClosureInput(date(2026, 11, 20), "RC7", note="Closed.\n\tAll done",
                                  lead_professional="Ann\u202e"))
    assert [e.split(":")[0] for e in errors_of(c)] == ["closure.lead_professional"]


def test_forms_refuse_control_characters(engine, add_case):
    add_case("C1", dob=date(2017, 5, 1))
    voice = replace(seen(date(2026, 11, 20)), childs_voice="ok\x9b31m")
    assert refused(engine, commands.log_visit, ref="C1", visit=voice, actor="Sam",
                   today=TODAY)[0].startswith("childs_voice: has a control character (U+009B)")
    errors = refused(engine, commands.add_oversight_note, ref="C1", author="Jo\nManager",
                     decision="Keep open\nfor now", rationale="Still\x07needed", today=TODAY)
    assert [e.split(":")[0] for e in errors] == ["author", "rationale"]


# --- data stored before these limits: flagged, never stopping the others ----------------------


@pytest.mark.sqlite_only("plain sqlite3 writes a date PostgreSQL's date type cannot hold")
def test_the_team_overview_survives_a_stored_date_out_of_range(engine, add_case, db_path):
    import sqlite3

    from models.supervision import team_overview
    from policies.calendar import WorkingCalendar

    for ref in ("C1", "C2"):
        add_case(ref, dob=date(2017, 5, 1), worker="Sam Patel", allocated=date(2026, 9, 1),
                 visits=[seen(date(2026, 11, 2))],
                 meetings=[MeetingInput("initial", "held", date(2026, 10, 1))])
    # As an older version or sqlite3 might have left it: C1's meeting on 1 Jan 0001.
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE meetings SET date = '0001-01-01' WHERE case_id = "
                           "(SELECT id FROM cases WHERE ref = 'C1')")
    with session_scope(engine) as session:
        overview = team_overview(session, policies=POLICIES, calendar=WorkingCalendar(),
                                 today=TODAY)
    [line] = overview.lines
    assert line.refs == ("C1", "C2")
    assert line.no_policy == ("C1",), "C1 is flagged"
    # C2's visit of Mon 2 Nov 2026 is judged as usual. Before it there was no seen visit, so
    # Wirral's 20 working days count from allocation, Tue 1 Sep 2026: 2-4 Sep (3), 7-11 (8),
    # 14-18 (13), 21-25 (18), 28 (19), Tue 29 Sep (20). Seen on 2 Nov: late. C1's visit
    # cannot be judged (its meeting date is out of range) and is left out, not a crash.
    assert (line.visits.counted, line.visits.in_time) == (1, 0)
