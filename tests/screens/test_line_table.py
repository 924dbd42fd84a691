"""The Line API table: draws only the rows on screen, and moves, scrolls and selects."""

from __future__ import annotations

from textual.app import App, ComposeResult

from screens.widgets.line_table import Column, LineTable

ROWS = [(f"R{i:05d}", f"Child {i}") for i in range(20_000)]


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.drawn: list[str] = []
        self.selected: list[str] = []
        self.clicked: list[str] = []

    def compose(self) -> ComposeResult:
        yield LineTable(id="table", row_key=lambda row: row[0])

    def on_mount(self) -> None:
        def ref(row: tuple[str, str]) -> str:
            self.drawn.append(row[0])
            return row[0]

        table = self.query_one(LineTable)
        table.set_rows([Column("ref", "Ref", 6, ref), Column("name", "Name", 12, lambda r: r[1])],
                       ROWS, sort_column="ref")
        table.focus()

    def on_line_table_selected(self, event: LineTable.Selected) -> None:
        self.selected.append(event.row[0])

    def on_line_table_header_clicked(self, event: LineTable.HeaderClicked) -> None:
        self.clicked.append(event.column_key)


def lines(app: TableApp) -> list[str]:
    table = app.query_one(LineTable)
    return [table.render_line(y).text.rstrip() for y in range(table.size.height)]


async def test_only_the_visible_rows_are_drawn_of_twenty_thousand():
    app = TableApp()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        # 10 lines: a header and 9 rows. However often they are repainted, only those rows are
        # ever drawn, not the 20,000.
        assert set(app.drawn) == {f"R{i:05d}" for i in range(9)}
        assert lines(app)[0].split() == ["Ref", "▼", "Name"]
        assert lines(app)[1].startswith("▶ R00000")


async def test_arrows_page_and_end_move_the_cursor_and_keep_it_on_screen():
    app = TableApp()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.press("down", "down")
        assert "▶ R00002" in lines(app)[3]
        await pilot.press("pagedown")  # 9 rows a page
        assert app.query_one(LineTable).cursor_row == 11
        assert any(line.startswith("▶ R00011") for line in lines(app))
        await pilot.press("end")
        assert lines(app)[-1].startswith("▶ R19999")
        await pilot.press("home")
        assert lines(app)[1].startswith("▶ R00000")


async def test_enter_selects_the_row_under_the_cursor():
    app = TableApp()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.selected == ["R00001"]


async def test_clicking_a_header_asks_to_sort_by_that_column():
    app = TableApp()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.click(LineTable, offset=(10, 0))
        await pilot.pause()
        assert app.clicked == ["name"]


async def test_new_rows_keep_the_cursor_on_the_same_row_key():
    app = TableApp()
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(LineTable)
        await pilot.press("down", "down", "down")
        table.set_rows(table.columns, list(reversed(ROWS[:10])))
        await pilot.pause()
        assert table.current_row == ("R00003", "Child 3")


async def test_an_empty_table_shows_its_header_and_nothing_else():
    app = TableApp()
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(LineTable)
        table.set_rows(table.columns, [])
        await pilot.press("down", "enter")
        assert table.current_row is None
        assert [line for line in lines(app)[1:] if line] == []
        assert app.selected == []
