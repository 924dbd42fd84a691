"""Every kind of record made offline reaches the server once, under the identity (uid) it was
given on the laptop: meetings booked and held, a task marked done, a manager's oversight note,
and a meeting withdrawn."""

from __future__ import annotations

from datetime import date

from models.inputs import CaseInput, VisitInput

from .team import TODAY


def _uids(team, table: str) -> list[str]:
    return [uid for (uid,) in team.sql(f"SELECT uid FROM {table} ORDER BY uid")]


def test_meetings_tasks_and_notes_recorded_offline_reach_the_server_once(team, laptop):
    with team.service(None) as server:
        server.add_case(CaseInput(ref="C1", name="Child C1", policy="camden",
                                  allocated=date(2026, 11, 2), worker="Ann Lee", team="North"))
        server.book_meeting(ref="C1", kind="review", date=date(2026, 12, 21))
    ann, max_ = laptop("ann"), laptop("max")
    ann.sync()
    max_.sync()
    with ann.service() as service:
        initial = service.book_meeting(ref="N1", kind="initial", date=date(2026, 11, 16))
        service.record_meeting_held(meeting_id=initial, date=date(2026, 11, 16),
                                    chair="Max Ford", chair_role="Team Manager",
                                    family_attended=True)
        service.book_meeting(ref="N1", kind="review", date=date(2027, 2, 8))
        # Camden 10.3: invitations at least 10 working days before the review of Mon 21 Dec.
        service.complete_task(ref="C1", rule="invitations", done=TODAY, note="Sent by post")
        laptop_meetings = {(m.kind, m.status, m.date.isoformat(), m.uid)
                           for m in service.case_detail("N1").meetings}
    with max_.service() as service:
        service.add_oversight_note(ref="N1", decision="Continue the plan",
                                   rationale="Seen alone twice; school attendance better",
                                   actions=[("Chase the school report", "Ann Lee",
                                             date(2026, 12, 4))])
        [note_uid] = [n.uid for n in service.case_detail("N1").oversight_notes]

    # The held initial meeting set N1's plan start on the laptop, as it does on the server:
    # sent with the meeting, not as an edit of its own.
    assert ann.sync().sent == ["C1: task camden.invitations done on 23 Nov 2026",
                               "N1: new initial meeting of 16 Nov 2026",
                               "N1: new review meeting of 8 Feb 2027"]
    assert max_.sync().sent == ["N1: new oversight note of 23 Nov 2026"]
    ann.sync()
    ann.sync()  # nothing twice

    server_meetings = {tuple(row) for row in team.sql(
        "SELECT m.kind, m.status, m.date::text, m.uid FROM meetings m JOIN cases c "
        "ON c.id = m.case_id WHERE c.ref = 'N1'")}
    assert server_meetings == laptop_meetings
    assert {(kind, status) for kind, status, _, _ in server_meetings} == {
        ("initial", "held"), ("review", "booked")}
    assert team.sql("SELECT chair, family_attended FROM meetings WHERE kind = 'initial'") == [
        ("Max Ford", True)]
    assert team.sql("SELECT t.rule_id, t.done, t.note FROM task_completions t") == [
        ("camden.invitations", TODAY, "Sent by post")]
    assert _uids(team, "oversight_notes") == [note_uid]
    assert team.sql("SELECT a.description, a.owner FROM oversight_actions a") == [
        ("Chase the school report", "Ann Lee")]
    # The note reached Ann's laptop too, with its action.
    with ann.service() as service:
        [note] = service.case_detail("N1").oversight_notes
    assert note.uid == note_uid and note.decision == "Continue the plan"


def test_a_meeting_withdrawn_offline_is_withdrawn_on_the_server(team, laptop):
    with team.service(None) as server:
        server.book_meeting(ref="N1", kind="review", date=date(2026, 12, 10))
    ann = laptop("ann")
    ann.sync()
    with ann.service() as service:
        [meeting] = service.case_detail("N1").meetings
        service.withdraw_meeting(ref="N1", meeting_uid=str(meeting.uid),
                                 reason="Booked on the wrong child")
    assert ann.sync().sent == ["N1: review meeting of 10 Dec 2026 withdrawn"]
    assert team.sql("SELECT withdrawn_reason FROM meetings") == [("Booked on the wrong child",)]
    assert team.sql("SELECT actor, action FROM audit_log WHERE action = 'withdraw_meeting'") == [
        ("Ann Lee", "withdraw_meeting")]


def test_an_oversight_action_marked_done_offline_is_done_on_the_server(team, laptop):
    with team.service(team.max, actor="Max Ford") as manager:
        manager.add_oversight_note(ref="N1", decision="Continue", rationale="Progress",
                                   actions=[("Chase the school report", "Ann Lee",
                                             date(2026, 12, 4)),
                                            ("Book the review", "Ann Lee", date(2026, 12, 11))])
    max_ = laptop("max")
    max_.sync()
    with max_.service() as service:
        [note] = service.case_detail("N1").oversight_notes
        second = note.actions[1]
        service.complete_oversight_action(action_id=second.id, done=TODAY)
    assert max_.sync().sent == [
        "N1: oversight action \"Book the review\" done on 23 Nov 2026"]
    assert team.sql("SELECT description, done FROM oversight_actions ORDER BY id") == [
        ("Chase the school report", None), ("Book the review", TODAY)]
    assert max_.sync().sent == []


def test_a_change_made_outside_cin_on_the_laptop_is_kept_and_shown_not_lost(team, laptop):
    import sqlite3

    with team.service(None) as server:
        server.log_visit("N1", VisitInput(date=date(2026, 11, 9), seen=True, seen_alone=True,
                                          childs_voice="Fine", location="home"))
    ann = laptop("ann")
    ann.sync()
    with sqlite3.connect(ann.replica) as replica:  # the sqlite3 shell, not cin
        replica.execute("UPDATE visits SET location = 'school'")
    report = ann.sync()
    [refusal] = report.refusals
    assert refusal.summary == "N1: visit of 9 Nov 2026 changed outside cin's forms"
    assert "make it on the team server" in refusal.reason
    assert refusal.change.values["location"] == "school"
    assert team.sql("SELECT location FROM visits") == [("home",)]
