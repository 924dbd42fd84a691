"""A manager's supervision in the app, keyboard only: the team view, a worker's walkthrough,
oversight notes with actions, marking an action done, the record, and privacy mode.

The caseload is `pilot.team_cases()` (dates worked out there); today is Mon 23 Nov 2026.
"""

from __future__ import annotations

import stat
from datetime import date

import pytest

from models.caseload import load_caseload
from models.db import open_database, session_scope
from screens import keys
from screens.oversight_form import ActionDoneForm, OversightNoteForm
from screens.team import TeamScreen
from screens.walkthrough import WalkthroughScreen

from .pilot import (
    open_team,
    page_text,
    table_lines,
    team_cases,
    type_into,
    until,
    walk,
    walkthrough_ready,
)
from .support import CALENDAR, POLICIES, TODAY


@pytest.fixture
def team_db(make_database):
    return make_database(team_cases())


def deadlines_of(database, ref):
    engine = open_database(database)
    try:
        with session_scope(engine, write=False) as session:
            rows = load_caseload(session, policies=POLICIES, calendar=CALENDAR, today=TODAY)
    finally:
        engine.dispose()
    return next(row for row in rows if row.ref == ref).deadlines


def stored_notes(database, ref):
    from models.queries import get_case_detail

    engine = open_database(database)
    try:
        with session_scope(engine, write=False) as session:
            return get_case_detail(session, ref).oversight_notes
    finally:
        engine.dispose()


def normalised(text: str) -> str:
    return " ".join(text.split())


async def test_the_team_view_has_a_line_per_worker(team_db, new_app):
    app = new_app(team_db)
    async with app.run_test(size=(140, 36)) as pilot:
        team = await open_team(pilot)
        lines = table_lines(team.query_one("#team-table"))
        # The most important first: overdue by kind, flags, actions, not alone, then in time.
        assert lines[0].split() == ["Worker", "Cases", "✖", "Visit", "✖", "Mtg", "✖", "Circ",
                                    "✖", "Rev", "Flags", "Actions", "Not", "alone", "In", "time"]
        # Jo King: 1 case; WR-003 not seen alone; 0 of 1 visits in time.
        assert lines[1].split() == ["▶", "Jo", "King", "1", "·", "0", "·", "0", "·", "0", "·", "0",
                                    "·", "0", "·", "0", "▲", "1", "0/1", "0%"]
        # Sam Patel: 3 cases, nothing overdue by kind; all three past an oversight point
        # (LC-001's update to the child, WR-001 and WR-002's 24-week reviews due today); LC-001
        # not seen alone; 4 of 6 visits in time (67%).
        assert lines[2].split() == ["Sam", "Patel", "3", "·", "0", "·", "0", "·", "0", "·", "0",
                                    "✖", "3", "·", "0", "▲", "1", "4/6", "67%"]
        summary = str(team.query_one("#team-summary").content)
        assert "All teams · 2 workers · 4 open cases" in summary
        assert "visits in time (3 months): 4 of 7 (57%)" in summary
        assert "visits from 23 Aug 2026 to 23 Nov 2026" in normalised(
            str(team.query_one("#team-definitions").content))
        await pilot.press("escape")
        assert not isinstance(app.screen, TeamScreen)


async def test_walking_a_workers_caseload_with_next_and_previous(team_db, new_app):
    app = new_app(team_db)
    async with app.run_test(size=(120, 40)) as pilot:
        walkthrough = await walk(pilot, "Sam Patel")
        assert walkthrough.worker == "Sam Patel"
        text = normalised(page_text(walkthrough))
        assert "Case 1 of 3 LC-001 Dara Smith · age 11 y · Leicestershire" in text
        # 3 Aug -> 23 Nov is 112 days.
        assert "Plan started 3 Aug 2026: 16 weeks 0 days old" in text
        assert "Last seen 16 Nov 2026 (7 days ago), at home, not alone" in text
        assert "Last seen alone 19 Oct 2026 (35 days ago)" in text
        assert ("Aged 3 or more and not seen alone at the last visit "
                "(reason recorded: Dad stayed in the room)") in text
        assert "Visits in the last 3 months 4 of 4 in time" in text
        # The three latest voices, newest first.
        assert ("16 Nov 2026 “School is hard” 19 Oct 2026 “I like football with Dad” "
                "28 Sep 2026 “OK at school”") in text
        assert "Held 3 (initial 3 Aug 2026, progress 14 Sep 2026, progress 26 Oct 2026)" in text
        assert "Against their deadlines 3 of 3 in time" in text
        assert "Next CIN Family Progress meeting (minimum standard 6-weekly) due 7 Dec 2026" in text
        assert "Misses 0 Circulated 3 of 3 in time" in text
        assert "3-monthly update written to the child due 3 Nov 2026 · 20 days late" in text
        assert "No oversight note recorded yet." in text

        for key, ref in (("n", "WR-001"), ("right", "WR-002"), ("n", "WR-002"),
                         ("b", "WR-001"), ("left", "LC-001"), ("b", "LC-001")):
            await pilot.press(key)
            assert walkthrough.page.ref == ref, key
        await pilot.press("n")
        text = normalised(page_text(walkthrough))
        assert "Case 2 of 3 WR-001 Amira Hassan" in text
        assert ("Visits in the last 3 months 0 of 1 in time; late: 16 Nov 2026 "
                "(due 29 Jun 2026)") in text
        assert ("Plan over 24 weeks: Group Manager review, reported to the Head of Service "
                "due 23 Nov 2026 · due today") in text
        await pilot.press("escape")
        assert isinstance(app.screen, TeamScreen)


async def test_a_note_with_actions_clears_its_flags_and_its_actions_become_deadlines(team_db,
                                                                                     new_app):
    app = new_app(team_db)
    async with app.run_test(size=(120, 40)) as pilot:
        walkthrough = await walk(pilot, "Sam Patel")
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, OversightNoteForm), "the note form")
        form = app.screen
        assert form.query_one("#author").value == "Morgan Ashdown"
        # LC-001's clearable flags in due order: supervision (3 Oct), update to the child
        # (3 Nov), 16 weeks (23 Nov), 26 weeks (1 Feb 2027).
        assert [f.rule_id for f in form.flags] == [
            "leicestershire.supervision", "leicestershire.update_to_child",
            "leicestershire.plan_16_weeks", "leicestershire.plan_26_weeks"]
        await type_into(pilot, "decision", "Continue the plan to week 26")
        await type_into(pilot, "rationale", "Dara is engaging; attendance is up")
        for index in (1, 2):  # the update to the child and the 16-week review
            form.query_one(f"#flag-{index}").focus()
            await pilot.press("space")
        await type_into(pilot, "a1-description", "Write the 3-monthly letter to Dara")
        await type_into(pilot, "a1-due", "30/11/2026")  # UK, day first
        await type_into(pilot, "a2-description", "Book the Service Manager review")
        await type_into(pilot, "a2-owner", "Lee Grant")
        await type_into(pilot, "a2-due", "2026-12-07")  # ISO
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, WalkthroughScreen), "the form to close")
        walkthrough = await walkthrough_ready(pilot)

        text = normalised(page_text(walkthrough))
        assert walkthrough.page.ref == "LC-001"
        flags = [f.rule_id for f in walkthrough.page.flags]
        assert "leicestershire.plan_16_weeks" not in flags
        # The update to the child moves to its next quarter: 3 Feb 2027.
        assert [(f.rule_id, f.due) for f in walkthrough.page.flags
                if f.rule_id == "leicestershire.update_to_child"] == [
            ("leicestershire.update_to_child", date(2027, 2, 3))]
        assert "Write the 3-monthly letter to Dara owner Sam Patel · due 30 Nov 2026" in text
        assert "Book the Service Manager review owner Lee Grant · due 7 Dec 2026" in text
        assert "23 Nov 2026 · Morgan Ashdown: Continue the plan to week 26" in text
        assert ("Flags addressed: 3-monthly update written to the child (due 3 Nov 2026); Plan in "
                "place 16 weeks: management review, rationale case-noted") in text

        # The actions are `oversight` deadlines of the case, as `cin due` and the caseload see.
        actions = [(d.kind, d.label, d.due, d.status) for d in deadlines_of(team_db, "LC-001")
                   if d.label.startswith("Oversight action")]
        # 30 Nov is 5 working days away (24-27, 30 Nov): inside the amber window.
        assert actions == [
            ("oversight", "Oversight action: Write the 3-monthly letter to Dara",
             date(2026, 11, 30), "due_soon"),
            ("oversight", "Oversight action: Book the Service Manager review",
             date(2026, 12, 7), "ok"),
        ]

        # d: mark the first one done today.
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ActionDoneForm), "the action form")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, WalkthroughScreen), "the form to close")
        walkthrough = await walkthrough_ready(pilot)
        assert [a.action.description for a in walkthrough.page.open_actions] == [
            "Book the Service Manager review"]
        assert [d.label for d in deadlines_of(team_db, "LC-001") if d.kind == "oversight"
                and d.label.startswith("Oversight action")] == [
            "Oversight action: Book the Service Manager review"]
        assert ("(Sam Patel, due 30 Nov 2026, done 23 Nov 2026)"
                in normalised(page_text(walkthrough)))


async def test_problems_in_the_note_are_shown_under_their_fields_and_nothing_is_saved(team_db,
                                                                                      new_app):
    from .pilot import text_of

    app = new_app(team_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await walk(pilot, "Sam Patel")
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, OversightNoteForm), "the note form")
        form = app.screen

        def error(name: str, record: str | None = None) -> str:
            from screens.forms.base import Field

            for field in form.query(Field):
                if field.field_name == name and field.record == record:
                    label = field.query_one(".field-error")
                    return normalised(text_of(label)) if label.display else ""
            raise AssertionError(name)

        # One save shows every problem at once, each under its own field: a due date that is
        # not a date, no decision, no rationale, action 1 no description, action 2 (a
        # description) no owner and no due date.
        await type_into(pilot, "a1-due", "31/02/2026")
        await type_into(pilot, "a2-description", "Ring the school")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: error("decision") != "", "the errors")
        assert error("due", "action 1") == ('✖ "31/02/2026" is not a real date: February 2026 has '
                                           '28 days. Use DD/MM/YYYY or YYYY-MM-DD.')
        assert error("decision") == "✖ required: the decision"
        assert error("rationale") == "✖ required: the reasons for the decision"
        assert error("description", "action 1") == "✖ required: what is to be done"
        assert error("owner", "action 2") == "✖ required: who will do it"
        assert error("due", "action 2").startswith("✖ required: the date the action is due")
        # The first field in trouble, the decision, has the cursor.
        assert app.screen.focused.id == "decision"
        # Put right, but the owner of action 2: only that is left to say.
        await type_into(pilot, "decision", "Continue")
        await type_into(pilot, "rationale", "Steady")
        await type_into(pilot, "a1-due", "30/11/2026")
        await type_into(pilot, "a1-description", "Letter")
        await type_into(pilot, "a2-due", "1 Dec 2026")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: error("decision") == "", "the errors to change")
        assert [error("due", "action 1"), error("rationale"), error("due", "action 2")] == [
            "", "", ""]
        assert error("owner", "action 2") == "✖ required: who will do it"
        assert isinstance(app.screen, OversightNoteForm)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, WalkthroughScreen), "the form to close")
    assert stored_notes(team_db, "LC-001") == ()


async def test_ctrl_n_adds_an_action_line(team_db, new_app):
    app = new_app(team_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await walk(pilot, "Sam Patel")
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, OversightNoteForm), "the note form")
        await type_into(pilot, "decision", "Close at the next review")
        await type_into(pilot, "rationale", "Goals met")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen.focused.id == "a3-description"
        await pilot.press(*"Closure summary")
        await type_into(pilot, "a3-owner", "Sam Patel")
        await type_into(pilot, "a3-due", "4/12/2026")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, WalkthroughScreen), "the form to close")
    (note,) = stored_notes(team_db, "LC-001")
    assert [(a.description, a.owner, a.due) for a in note.actions] == [
        ("Closure summary", "Sam Patel", date(2026, 12, 4))]


async def test_w_writes_the_record_to_the_data_folder_and_says_where(team_db, new_app):
    app = new_app(team_db)
    async with app.run_test(size=(120, 40)) as pilot:
        walkthrough = await walk(pilot, "Sam Patel")
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, OversightNoteForm), "the note form")
        await type_into(pilot, "decision", "Continue")
        await type_into(pilot, "rationale", "Steady progress")
        await pilot.press("ctrl+s")
        walkthrough = await walkthrough_ready(pilot)
        await until(pilot, lambda: not isinstance(app.screen, OversightNoteForm),
                    "the form to close")
        await pilot.press("w")
        await until(pilot, lambda: walkthrough.last_record_path is not None, "the record")
        path = walkthrough.last_record_path
        assert path == (team_db.parent / "supervision-records"
                        / "supervision-sam-patel-2026-11-23.md")
        assert any(str(path) in n.message for n in app._notifications)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        text = path.read_text(encoding="utf-8")
        assert "## LC-001 Dara Smith" in text
        assert "**Decision:** Continue" in text
        assert "- WR-001 Amira Hassan" in text  # walked but no note


async def test_privacy_mode_shows_initials_on_the_walkthrough(team_db, new_app):
    app = new_app(team_db)
    async with app.run_test(size=(120, 40)) as pilot:
        walkthrough = await walk(pilot, "Sam Patel")
        await pilot.press("n")
        await pilot.press("p")
        text = normalised(page_text(walkthrough))
        assert "WR-001 A. H." in text
        assert "“B. took my pens”" in text  # a sibling named in the child's words
        assert "Amira" not in text and "Bilal" not in text and "Hassan" not in text
        await pilot.press("p")
        assert "WR-001 Amira Hassan" in normalised(page_text(walkthrough))


async def test_privacy_option_starts_the_app_with_initials(team_db, new_app):
    app = new_app(team_db, privacy=True)
    async with app.run_test(size=(120, 40)) as pilot:
        walkthrough = await walk(pilot, "Sam Patel")
        assert "LC-001 D. S." in normalised(page_text(walkthrough))
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, OversightNoteForm), "the note form")
        assert app.screen.subtitle().startswith("LC-001 D. S. · worker Sam Patel")


def test_every_supervision_binding_is_declared_with_id_description_and_tooltip():
    from screens.team import WorkerTable

    for owner in (TeamScreen, WorkerTable, WalkthroughScreen, OversightNoteForm, ActionDoneForm):
        for binding in owner.BINDINGS:
            assert binding.id in keys.COMMANDS_BY_ID, binding
            assert binding.description and binding.tooltip, binding


async def test_the_help_screen_lists_the_walkthrough_keys(team_db, new_app):
    from screens.help import HelpScreen

    from .pilot import text_of

    app = new_app(team_db)
    async with app.run_test(size=(120, 50)) as pilot:
        await walk(pilot, "Sam Patel")
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        listed = normalised(text_of(app.screen.query_one("#help-keys")))
        # (A long description wraps beside its keymap id, so each phrase is one line's worth.)
        for words in ("Go to this worker's next case.", "Record a management oversight note",
                      "Mark one of this case's open oversight actions", "action_done",
                      "Write this worker's supervision record", "next_case", "oversight_note"):
            assert words in listed, words
