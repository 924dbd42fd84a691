"""The caseload as a worker uses it: countdowns, sort, filters, search, closed cases, empty state.

Expected countdowns are worked out by hand in conftest.py's `fixture_cases`.
"""

from __future__ import annotations

from datetime import date

from models.commands import upsert_cases
from models.db import open_database, session_scope
from models.inputs import CaseInput
from policies.packs import load_policies

from .conftest import TODAY, fixture_cases
from .helpers import (
    caseload_ready,
    column_text,
    open_case,
    row_text,
    shown_refs,
    table_lines,
    widget_text,
)


async def test_each_child_shows_hand_worked_countdowns(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await caseload_ready(pilot)
        assert column_text(screen, "WR-001", "Visit") == "✖ 4 wd late"
        assert column_text(screen, "WR-002", "Visit") == "✔ 15 wd"
        assert column_text(screen, "WR-002", "Circulation") == "✖ 7 d late"
        assert column_text(screen, "WR-003", "Visit") == "▲ 5 wd"
        assert column_text(screen, "LC-001", "Visit") == "✔ 10 wd"
        # Camden sets no visiting timescale and CA-001 records none: no visit deadline, and the
        # cell says a frequency is needed (never "· —", which would read as nothing due).
        assert column_text(screen, "CA-001", "Visit") == "? set freq"
        assert column_text(screen, "WR-001", "Age") == "9 y"
        assert column_text(screen, "WR-003", "Authority") == "Wirral"
        assert column_text(screen, "WR-001", "Worker") == "Sam Patel"


async def test_most_urgent_first_and_closed_cases_hidden(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await caseload_ready(pilot)
        # CA-001's invitation letters were due Mon 16 Nov (10 wd before the 30 Nov review) and
        # WR-002's circulation on Mon 16 Nov; WR-001's visit on Tue 17 Nov; then the due soon
        # WR-003 (30 Nov) and LC-001's in-time items.
        assert shown_refs(screen) == ["CA-001", "WR-002", "WR-001", "WR-003", "LC-001"]
        assert "WR-004" not in "\n".join(table_lines(screen))


COUNTDOWN_CELLS = ("Visit", "Meeting", "Circulation", "Review")


def counted_on_screen(screen) -> tuple[int, int]:
    """What a worker counts in the cells: rows with a ✖ anywhere, and the ▲ items (a countdown
    cell is one item; the Other cell "▲ 2" is two)."""
    overdue_rows = amber = 0
    for ref in shown_refs(screen):
        cells = [column_text(screen, ref, column) for column in (*COUNTDOWN_CELLS, "Other")]
        overdue_rows += any(cell.startswith("✖") for cell in cells)
        amber += sum(cell.startswith("▲") for cell in cells[:-1])
        if cells[-1].startswith("▲"):
            amber += int(cells[-1].split()[1])
    return overdue_rows, amber


async def test_header_counts_say_what_they_count_and_agree_with_the_cells(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await caseload_ready(pilot)
        summary = str(screen.query_one("#summary").render())
        # Children with something overdue: CA-001 (its invitation letters, in Other), WR-002
        # (circulation), WR-001 (visit) = 3. Amber, within 5 working days of Mon 23 Nov (24-27,
        # 30 Nov): CA-001's review booked for Mon 30 Nov and WR-003's visit due Mon 30 Nov = 2.
        # (CA-001's assessment report, due Thu 26 Nov, sits behind its overdue letters in the
        # Other cell, "✖ 1": not on screen, so not counted.)
        assert summary == ("✖ 3 children overdue · ▲ 2 items due within 5 working days · "
                           "5 open cases")
        assert counted_on_screen(screen) == (3, 2)
        # One worker's cases: the header follows what is shown.
        await pilot.press("w")  # Jo King: CA-001, LC-001, WR-003
        await pilot.pause()
        summary = str(screen.query_one("#summary").render())
        assert counted_on_screen(screen) == (1, 2)
        assert summary == ("✖ 1 child overdue · ▲ 2 items due within 5 working days · "
                           "3 open cases for Jo King")
        assert "worker: Jo King" in str(screen.query_one("#view-state").render())


async def test_the_amber_count_follows_amber_working_days(caseload_db, new_app, tmp_path):
    # From Mon 23 Nov: 24, 25, 26, 27, 30 Nov, Tue 1 Dec are working days 1-6. With 6 amber
    # working days, the two due Mon 30 Nov (5 wd) stay amber and LC-001's supervision, due
    # Tue 1 Dec (6 wd), turns amber in its Other cell: 3. With 3, 30 Nov is beyond the window:
    # none shown amber (CA-001's report, 26 Nov, sits behind its overdue letters, "✖ 1").
    for days, amber in ((6, 3), (3, 0)):
        folder = tmp_path / f"settings-{days}"
        folder.mkdir()
        (folder / "settings.toml").write_text(f"amber_working_days = {days}\n",
                                              encoding="utf-8")
        app = new_app(caseload_db, settings_dir=folder)
        async with app.run_test(size=(140, 30)) as pilot:
            screen = await caseload_ready(pilot)
            summary = str(screen.query_one("#summary").render())
            assert f"▲ {amber} items due within {days} working days" in summary
            assert counted_on_screen(screen) == (3, amber)


async def test_s_sorts_by_each_column_in_turn_and_shift_s_reverses(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await caseload_ready(pilot)
        await pilot.press("s")  # by ref
        assert shown_refs(screen) == ["CA-001", "LC-001", "WR-001", "WR-002", "WR-003"]
        assert "Ref ▼" in table_lines(screen)[0]
        await pilot.press("S")
        assert shown_refs(screen) == ["WR-003", "WR-002", "WR-001", "LC-001", "CA-001"]
        await pilot.press("s", "s")  # name, then age: youngest first
        assert "sort: age" in str(screen.query_one("#view-state").render())
        # Chloe 2 y, Bilal 5 y, Amira 9 y, Dara 11 y, Finn 14 y.
        assert shown_refs(screen) == ["WR-003", "WR-002", "WR-001", "LC-001", "CA-001"]


async def test_sort_by_the_visit_column_late_first_nothing_due_last(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await caseload_ready(pilot)
        screen.sort_by("visit")
        await pilot.pause()
        # 17 Nov (late), 30 Nov, 7 Dec, 14 Dec, then Camden with no visit deadline.
        assert shown_refs(screen) == ["WR-001", "WR-003", "LC-001", "WR-002", "CA-001"]


async def test_w_filters_by_worker_and_hides_the_worker_column(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await caseload_ready(pilot)
        assert "Worker" in table_lines(screen)[0]
        await pilot.press("w")  # workers in name order: Jo King first
        assert sorted(shown_refs(screen)) == ["CA-001", "LC-001", "WR-003"]
        # One worker shown: the column would only repeat the name.
        assert "Worker" not in table_lines(screen)[0]
        assert "for Jo King" in str(screen.query_one("#summary").render())
        await pilot.press("w")
        assert sorted(shown_refs(screen)) == ["WR-001", "WR-002"]
        await pilot.press("w")
        assert len(shown_refs(screen)) == 5


async def test_the_caseload_opens_on_the_users_own_cases(caseload_db, new_app):
    """"My cases" first: the user's name (settings' worker; here given as the actor, in
    another case) holds WR-001 and WR-002; `w` then moves on as usual, to everyone's."""
    app = new_app(caseload_db, actor="sam patel")
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await caseload_ready(pilot)
        assert sorted(shown_refs(screen)) == ["WR-001", "WR-002"]
        assert "for Sam Patel" in str(screen.query_one("#summary").render())
        await pilot.press("w")  # after Sam Patel, the last worker: everyone
        assert len(shown_refs(screen)) == 5
        await pilot.press("r")  # a reload keeps the user's choice
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert len(shown_refs(screen)) == 5


async def test_someone_with_no_cases_sees_everyones(caseload_db, new_app):
    app = new_app(caseload_db, actor="Ann Lee")  # a team manager: no cases of her own
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await caseload_ready(pilot)
        assert len(shown_refs(screen)) == 5


async def test_f_filters_by_status(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await caseload_ready(pilot)
        await pilot.press("f")
        assert shown_refs(screen) == ["CA-001", "WR-002", "WR-001"]
        await pilot.press("f")
        # Something due soon: CA-001 (report, meeting), WR-003 (visit).
        assert shown_refs(screen) == ["CA-001", "WR-003"]
        await pilot.press("f")
        assert len(shown_refs(screen)) == 5


async def test_slash_searches_by_name_or_ref_as_you_type(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await caseload_ready(pilot)
        await pilot.press("slash", *"hass")
        assert shown_refs(screen) == ["WR-002", "WR-001"]
        await pilot.press(*"an")
        assert shown_refs(screen) == ["WR-002", "WR-001"]
        await pilot.press("escape")  # clears the search, back to the list
        assert len(shown_refs(screen)) == 5
        await pilot.press("slash", *"lc-0", "enter")
        assert shown_refs(screen) == ["LC-001"]
        # Back in the list: keys act on it again.
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CaseScreen"


async def test_a_search_with_no_match_says_so(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await caseload_ready(pilot)
        await pilot.press("slash", *"zzz")
        message = str(screen.query_one("#message").render())
        assert "No cases match" in message
        assert 'search: "zzz"' in message


async def test_c_shows_closed_cases_marked_closed(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 30)) as pilot:
        await caseload_ready(pilot)
        await pilot.press("c")
        screen = await caseload_ready(pilot)
        assert column_text(screen, "WR-004", "Name") == "Evie Closed"
        assert column_text(screen, "WR-004", "Visit") == "■ closed"
        await pilot.press("c")
        screen = await caseload_ready(pilot)
        assert "WR-004" not in shown_refs(screen)


async def test_an_empty_database_explains_how_to_import_or_try_the_demo(empty_db, new_app):
    app = new_app(empty_db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await caseload_ready(pilot)
        message = str(screen.query_one("#message").render())
        assert "No open cases yet" in message
        assert "cin import cases.json" in message
        assert "cin demo" in message
        assert screen.query_one("#caseload").display is False


async def test_privacy_mode_shows_initials(caseload_db, new_app):
    app = new_app(caseload_db, privacy=True)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await caseload_ready(pilot)
        assert "A. H." in row_text(screen, "WR-001")
        assert "Amira" not in "\n".join(table_lines(screen))
        await pilot.press("p")
        assert "Amira Hassan" in row_text(screen, "WR-001")


async def test_a_database_that_cannot_be_opened_is_explained_not_a_traceback(tmp_path, new_app):
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    app = new_app(folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        message = str(app.screen.query_one("#message").render())
        assert "cin could not open the caseload" in message
        assert "folder" in message
        assert "Traceback" not in message


async def test_searching_a_caseload_that_could_not_be_opened_keeps_the_explanation(tmp_path,
                                                                                   new_app):
    # Found trying it: "/" then a letter, with no caseload read, stopped cin with a KeyError.
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    app = new_app(folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.press("slash", "x")
        await pilot.pause()
        assert app.return_code is None  # still running
        message = str(app.screen.query_one("#message").render())
        assert "cin could not open the caseload" in message


async def test_a_case_whose_policy_pack_is_missing_is_flagged_first(tmp_path, new_app):
    # Imported while a user's own pack "northshire" was installed; opened without it.
    packs = load_policies(None)
    database = tmp_path / "cin.db"
    engine = open_database(database)
    with session_scope(engine) as session:
        upsert_cases(session, actor="test", today=TODAY,
                     policies={**packs, "northshire": packs["wirral"]},
                     cases=[*fixture_cases(),
                            CaseInput(ref="NS-001", name="Nia Shaw", policy="northshire",
                                      allocated=date(2026, 9, 1), worker="Jo King")])
    engine.dispose()
    app = new_app(database)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await caseload_ready(pilot)
        assert shown_refs(screen)[0] == "NS-001"
        assert column_text(screen, "NS-001", "Visit") == "⚠ no policy"
        case = await open_case(pilot, "NS-001")
        words = " ".join(widget_text(case.query_one("#case-deadlines")).split())
        assert "'northshire' is not installed" in words


async def test_at_80_columns_every_countdown_and_other_fit_beside_ref_and_name(caseload_db,
                                                                               new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await caseload_ready(pilot)
        lines = table_lines(screen)
        header = lines[0]
        for label in ("Ref", "Name", "Visit", "Meeting", "Circ.", "Review", "Other"):
            assert label in header, header
        assert all(len(line) <= 80 for line in lines), lines
        # No sideways scrolling (no horizontal scrollbar): the whole line is on screen.
        table = screen.query_one("#caseload")
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert not table.show_horizontal_scrollbar
        # Same hand-worked countdowns as at 140 columns, whole (see conftest.py).
        assert column_text(screen, "WR-001", "Visit") == "✖ 4 wd late"
        assert column_text(screen, "WR-002", "Circ.") == "✖ 7 d late"
        assert column_text(screen, "CA-001", "Review").startswith("✔ 43")
        assert "Amira Hassan" in row_text(screen, "WR-001")


async def test_at_120_columns_nothing_is_left_out(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await caseload_ready(pilot)
        header = table_lines(screen)[0]
        for label in ("Ref", "Name", "Age", "Worker", "Authority", "Visit", "Meeting",
                      "Circulation", "Review", "Other"):
            assert label in header, header
