"""Text typed in the same instant as ctrl+s is saved whole (issue 12, item 8): over a slow
remote desktop, a paste or a fast typist, the keys arrive together, and the save must use
everything typed before the key."""

from __future__ import annotations

from textual import events

from .helpers import case_ready, stored_case, until
from .test_visit_form import open_visit_form


async def test_the_words_typed_just_before_ctrl_s_are_all_saved(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_visit_form(pilot, "WR-001")
        # Seen alone: y; where: h (home); then back to the child's voice.
        await pilot.press("tab", "tab", "y", "tab", "tab", "tab", "h", "shift+tab")
        words = "I want to see my brother"
        # Sent at once, as a terminal delivers a burst: no waiting between the keys.
        for key in [*("space" if c == " " else c for c in words), "ctrl+s"]:
            app._driver.send_message(events.Key(key, " " if key == "space" else
                                                (key if len(key) == 1 else None)))
        await until(pilot, lambda: app.screen is not form, "the form to close")
        await case_ready(pilot)
        visit = stored_case(caseload_db, "WR-001").visits[-1]
        assert (visit.childs_voice, visit.location) == (words, "home")
