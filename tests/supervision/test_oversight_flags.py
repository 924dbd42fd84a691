"""The oversight flags issue 5 names, each as an `oversight` deadline (or, for Rochdale's
12-month assessment, an `assessment` one) shown among the walkthrough's flags, and cleared by a
manager's note. Cases go in through the import command and come out through the walkthrough
read, the path the app uses. Dates worked out by hand; today is Mon 23 Nov 2026.

Calendar used below: 2026 has no bank holiday between 31 Aug and 25 Dec. Adding weeks keeps the
weekday. Months are calendar months (22 May + 6 months = 22 Nov).
"""

from __future__ import annotations

from datetime import date

from models.inputs import CaseInput, MeetingInput

from .support import add_note, flags, page

WORKER = "Sam Patel"


def a_case(policy: str, **fields) -> CaseInput:
    fields.setdefault("allocated", date(2026, 5, 1))
    return CaseInput(ref=fields.pop("ref", "C-1"), name="Amira Hassan", dob=date(2016, 3, 4),
                     worker=WORKER, team="North", policy=policy, **fields)


def held(kind: str, on: date, chair_role: str | None = None) -> MeetingInput:
    return MeetingInput(kind=kind, status="held", date=on, chair_role=chair_role,
                        circulated=on)


# --- Wirral ---------------------------------------------------------------------------------


def test_wirral_group_manager_review_past_24_weeks(make_database):
    # Plan started Mon 8 Jun 2026; 24 weeks = 168 days: 8 Jun -> 30 Jun (22), 31 Jul (53),
    # 31 Aug (84), 30 Sep (114), 31 Oct (145), 23 Nov (168). Due Mon 23 Nov, today: due, not
    # yet late, and a plan at that point counts as past its oversight point.
    db = make_database([a_case("wirral", plan_started=date(2026, 6, 8))])
    flag = flags(db, "C-1", WORKER)["wirral.plan_24_weeks"]
    assert (flag.kind, flag.due, flag.status, flag.countdown) == (
        "oversight", date(2026, 11, 23), "due_soon", 0)
    assert flag.label.startswith("Plan over 24 weeks: Group Manager review")
    # The Group Manager's review recorded as a note clears it.
    add_note(db, "C-1", clears=["wirral.plan_24_weeks"])
    assert "wirral.plan_24_weeks" not in flags(db, "C-1", WORKER)


def test_wirral_second_review_chaired_by_a_manager_at_16_weeks(make_database):
    # Initial meeting Mon 27 Jul 2026 + 16 weeks (112 days): 27 Jul -> 31 Jul (4), 31 Aug (35),
    # 30 Sep (65), 31 Oct (96), 16 Nov (112) -> Mon 16 Nov, a week before today: overdue.
    meetings = [held("initial", date(2026, 7, 27)), held("review", date(2026, 9, 21)),
                held("review", date(2026, 11, 16), chair_role="Social Worker")]
    db = make_database([a_case("wirral", plan_started=date(2026, 7, 27), meetings=meetings)])
    flag = flags(db, "C-1", WORKER)["wirral.second_review_chair"]
    assert (flag.kind, flag.due, flag.status) == ("oversight", date(2026, 11, 16), "overdue")
    # The same second review chaired by a Team Manager meets the rule: no flag at all.
    meetings[2] = held("review", date(2026, 11, 16), chair_role="Team Manager")
    chaired = make_database([a_case("wirral", plan_started=date(2026, 7, 27), meetings=meetings)],
                            name="chaired.db")
    assert "wirral.second_review_chair" not in flags(chaired, "C-1", WORKER)


def test_wirral_complex_plan_after_6_months(make_database):
    # Another Wirral oversight point, for a complex plan only (3.1): plan started Mon 8 Jun 2026
    # + 6 months -> Tue 8 Dec 2026, not yet due: shown in the walkthrough, not counted as past.
    db = make_database([a_case("wirral", plan_started=date(2026, 6, 8), complex_plan=True)])
    flag = flags(db, "C-1", WORKER)["wirral.complex_plan_6_months"]
    assert (flag.due, flag.status) == (date(2026, 12, 8), "ok")
    # The same plan not recorded as complex: no such flag.
    plain = make_database([a_case("wirral", plan_started=date(2026, 6, 8))], name="plain.db")
    assert "wirral.complex_plan_6_months" not in flags(plain, "C-1", WORKER)


def test_leicestershire_sswop_oversight_for_a_key_worker_led_case(make_database):
    # Key-worker-led, allocated Fri 1 May 2026, no SSWOP oversight recorded: monthly from
    # allocation -> 1 Jun, 1 Jul, ..., 1 Nov 2026 (missed, overdue) and the next 1 Dec 2026.
    # The flag shows the current occurrence: 1 Nov, three weeks before today (23 Nov).
    db = make_database([a_case("leicestershire", key_worker_led=True)])
    flag = flags(db, "C-1", WORKER)["leicestershire.sswop_oversight"]
    assert (flag.kind, flag.status) == ("oversight", "overdue")
    assert flag.due == date(2026, 11, 1)
    # Led by a social worker: the rule never applies.
    social_worker = make_database([a_case("leicestershire")], name="sw.db")
    assert "leicestershire.sswop_oversight" not in flags(social_worker, "C-1", WORKER)


# --- Rochdale -------------------------------------------------------------------------------


def test_rochdale_fourth_meeting_chaired_by_a_manager_or_advanced_practitioner(make_database):
    # Initial 3 Aug, reviews 31 Aug and 28 Sep, and the 4th meeting Mon 26 Oct 2026 chaired by
    # a social worker: the flag is due on the 4th meeting's own date, now four weeks late.
    first_three = [held("initial", date(2026, 8, 3)), held("review", date(2026, 8, 31)),
                   held("review", date(2026, 9, 28))]
    fourth = held("review", date(2026, 10, 26), chair_role="social worker")
    db = make_database([a_case("rochdale", assessment_completed=date(2026, 7, 27),
                               plan_started=date(2026, 8, 3), meetings=[*first_three, fourth])])
    flag = flags(db, "C-1", WORKER)["rochdale.fourth_meeting_chair"]
    assert (flag.kind, flag.due, flag.status) == ("oversight", date(2026, 10, 26), "overdue")
    # Chaired by an Advanced Practitioner instead: met.
    ap = held("review", date(2026, 10, 26), chair_role="Advanced Practitioner")
    met = make_database([a_case("rochdale", assessment_completed=date(2026, 7, 27),
                                plan_started=date(2026, 8, 3), meetings=[*first_three, ap])],
                        name="met.db")
    assert "rochdale.fourth_meeting_chair" not in flags(met, "C-1", WORKER)


def test_rochdale_quarterly_clinic_from_6_months(make_database):
    # Plan started Fri 22 May 2026 + 6 months -> Sun 22 Nov 2026 (a calendar date, not moved
    # off the weekend): one day late today. The clinic's note clears that quarter only; the next
    # is 9 months from the start, Mon 22 Feb 2027.
    db = make_database([a_case("rochdale", assessment_completed=date(2026, 5, 20),
                               plan_started=date(2026, 5, 22))])
    flag = flags(db, "C-1", WORKER)["rochdale.quarterly_clinic"]
    assert (flag.kind, flag.due, flag.status) == ("oversight", date(2026, 11, 22), "overdue")
    assert flag.flag_id == "rochdale.quarterly_clinic@2026-11-22"
    add_note(db, "C-1", clears=[flag.flag_id], decision="Discussed at the November clinic")
    after = flags(db, "C-1", WORKER)["rochdale.quarterly_clinic"]
    assert (after.due, after.status) == (date(2027, 2, 22), "ok")


def test_rochdale_assessment_older_than_12_months(make_database):
    # Assessment completed Mon 17 Nov 2025 + 12 months -> Tue 17 Nov 2026: six days late today.
    # It is an `assessment` deadline: a note does not clear it, an updated assessment
    # (Fri 20 Nov 2026) moves it to Sat 20 Nov 2027.
    db = make_database([a_case("rochdale", allocated=date(2025, 10, 1),
                               assessment_completed=date(2025, 11, 17),
                               plan_started=date(2025, 11, 24))])
    flag = flags(db, "C-1", WORKER)["rochdale.assessment_update"]
    assert (flag.kind, flag.due, flag.status) == ("assessment", date(2026, 11, 17), "overdue")
    assert (flag.countdown, flag.unit) == (-6, "days")  # 17 Nov -> 23 Nov
    add_note(db, "C-1", decision="Update the assessment", clears=["rochdale.assessment_update"])
    assert "rochdale.assessment_update" in flags(db, "C-1", WORKER)
    updated = make_database([a_case("rochdale", allocated=date(2025, 10, 1),
                                    assessment_completed=date(2025, 11, 17),
                                    plan_started=date(2025, 11, 24),
                                    events={"assessment_updated": date(2026, 11, 20)})],
                            name="updated.db")
    assert flags(updated, "C-1", WORKER)["rochdale.assessment_update"].due == date(2027, 11, 20)


# --- Camden ---------------------------------------------------------------------------------


def test_camden_iro_oversight_past_12_months_open(make_database):
    # Open since Sun 23 Nov 2025 (allocation) + 12 months -> Mon 23 Nov 2026: due today.
    # A case allocated a day later, Mon 24 Nov 2025, is due tomorrow: not yet past.
    db = make_database([a_case("camden", ref="C-1", allocated=date(2025, 11, 23)),
                        a_case("camden", ref="C-2", allocated=date(2025, 11, 24))])
    today_flag = flags(db, "C-1", WORKER)["camden.iro_oversight"]
    assert (today_flag.kind, today_flag.due, today_flag.status) == (
        "oversight", date(2026, 11, 23), "due_soon")
    tomorrow_flag = flags(db, "C-2", WORKER)["camden.iro_oversight"]
    assert tomorrow_flag.due == date(2026, 11, 24)
    add_note(db, "C-1", clears=["camden.iro_oversight"], decision="Referred to the CIN IRO")
    assert "camden.iro_oversight" not in flags(db, "C-1", WORKER)


# --- Leicestershire -------------------------------------------------------------------------


def test_leicestershire_management_review_at_16_weeks_and_service_manager_at_26(make_database):
    # Plan started Mon 3 Aug 2026. 16 weeks (112 days): 3 Aug -> 31 Aug (28), 30 Sep (58),
    # 31 Oct (89), 23 Nov (112): due today. 26 weeks (182 days) = 23 Nov + 70: 30 Nov (7),
    # 31 Dec (38), 31 Jan (69) -> Mon 1 Feb 2027.
    db = make_database([a_case("leicestershire", plan_started=date(2026, 8, 3))])
    found = flags(db, "C-1", WORKER)
    sixteen = found["leicestershire.plan_16_weeks"]
    assert (sixteen.due, sixteen.status) == (date(2026, 11, 23), "due_soon")
    assert found["leicestershire.plan_26_weeks"].due == date(2027, 2, 1)
    assert {found[r].kind for r in ("leicestershire.plan_16_weeks",
                                    "leicestershire.plan_26_weeks")} == {"oversight"}
    # The 16-week rationale case-noted clears that flag and leaves the 26-week one.
    add_note(db, "C-1", clears=["leicestershire.plan_16_weeks"],
             rationale="Continue: attendance improving; aim to close by week 26")
    after = flags(db, "C-1", WORKER)
    assert "leicestershire.plan_16_weeks" not in after
    assert after["leicestershire.plan_26_weeks"].due == date(2027, 2, 1)


def test_leicestershire_three_monthly_update_to_the_child(make_database):
    # Plan started Mon 3 Aug 2026 + 3 months -> Tue 3 Nov 2026 (20 days late today); cleared
    # for that quarter, the next is 6 months from the start, Wed 3 Feb 2027.
    db = make_database([a_case("leicestershire", plan_started=date(2026, 8, 3))])
    flag = flags(db, "C-1", WORKER)["leicestershire.update_to_child"]
    assert (flag.kind, flag.due, flag.status) == ("oversight", date(2026, 11, 3), "overdue")
    add_note(db, "C-1", clears=[flag.flag_id], decision="Update letter sent to the child")
    assert flags(db, "C-1", WORKER)["leicestershire.update_to_child"].due == date(2027, 2, 3)


def test_a_cleared_flag_is_no_longer_past_its_oversight_point_in_the_team_view(make_database):
    # Leicestershire plan from Mon 3 Aug 2026, allocated Fri 1 May 2026: the 16-week review
    # (due today), the update to the child (3 Nov) and the two-monthly supervision (1 Jul, 1 Sep,
    # 1 Nov: the 1 Nov one, as no supervision is recorded) are due by today, so the case counts
    # as past an oversight point until all three are answered by notes.
    from models.supervision import team_overview

    from .support import read

    db = make_database([a_case("leicestershire", plan_started=date(2026, 8, 3))])
    assert read(db, team_overview).lines[0].past_oversight == ("C-1",)
    add_note(db, "C-1", clears=["leicestershire.plan_16_weeks"])
    assert read(db, team_overview).lines[0].past_oversight == ("C-1",)
    add_note(db, "C-1", clears=["leicestershire.update_to_child@2026-11-03"])
    assert read(db, team_overview).lines[0].past_oversight == ("C-1",)
    add_note(db, "C-1", clears=["leicestershire.supervision@2026-11-01"])
    assert read(db, team_overview).lines[0].past_oversight == ()


def test_each_walkthrough_page_shows_the_flags_in_due_order(make_database):
    db = make_database([a_case("leicestershire", plan_started=date(2026, 8, 3))])
    shown = [(d.rule_id, d.due) for d in page(db, "C-1", WORKER).flags]
    # Update to the child 3 Nov 2026; 16 weeks 23 Nov 2026; supervision two-monthly from
    # allocation (Fri 1 May 2026, none recorded): 1 Jul, 1 Sep, 1 Nov -> the 1 Nov occurrence
    # is the latest due by today; 26 weeks 1 Feb 2027.
    assert shown == [
        ("leicestershire.supervision", date(2026, 11, 1)),
        ("leicestershire.update_to_child", date(2026, 11, 3)),
        ("leicestershire.plan_16_weeks", date(2026, 11, 23)),
        ("leicestershire.plan_26_weeks", date(2027, 2, 1)),
    ]
