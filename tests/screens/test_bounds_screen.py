"""A case whose deadlines cannot be worked out is flagged on the caseload with the reason, and
every other case is shown as usual (issue 10, finding 7: "Could not read the caseload:
OverflowError" used to replace the whole caseload)."""

from __future__ import annotations

import sqlite3

from .conftest import fixture_cases
from .helpers import caseload_ready, column_text, open_case, shown_refs, widget_text


async def test_a_stored_date_out_of_range_flags_only_its_case(make_database, new_app):
    database = make_database(fixture_cases())
    # What an older version or sqlite3 may have left behind: Finn's review booked for
    # 1 Jan 0001 (Camden counts invitation letters 10 working days back from it).
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE meetings SET date = '0001-01-01' WHERE status = 'booked' "
                           "AND case_id = (SELECT id FROM cases WHERE ref = 'CA-001')")
    app = new_app(database)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await caseload_ready(pilot)
        refs = shown_refs(screen)
        assert refs[0] == "CA-001", "a flagged case comes first: it needs attention"
        assert {"WR-001", "LC-001"} <= set(refs)
        assert column_text(screen, "CA-001", "Visit") == "⚠ see case"
        # Amira's hand-worked countdown (conftest.py) is still there.
        assert column_text(screen, "WR-001", "Visit") == "✖ 4 wd late"
        case = await open_case(pilot, "CA-001")
        words = " ".join(widget_text(case.query_one("#case-deadlines")).split())
        assert "the date of the booked review meeting (1 Jan 0001) is outside the dates" in words
        assert "Could not read the caseload" not in words
