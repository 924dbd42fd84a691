"""Issue 6 item 8: every form works on an 80x24 terminal without colour: no field is cut off
on the right, the form scrolls to its last field, and Save / Cancel are always on screen."""

from __future__ import annotations

import pytest

from screens.forms.base import Field
from screens.forms.close import CloseCaseForm
from screens.forms.meeting import (
    BookMeetingForm,
    CancelMeetingForm,
    CirculatedForm,
    MeetingHeldForm,
)
from screens.forms.visit import VisitForm

from .test_meeting_forms import open_form

SMALL = (80, 24)


@pytest.mark.parametrize(
    ("ref", "key", "form_type"),
    [
        ("WR-001", "v", VisitForm),
        ("WR-002", "b", BookMeetingForm),
        ("WR-002", "h", MeetingHeldForm),
        ("WR-002", "m", CirculatedForm),
        ("CA-001", "x", CancelMeetingForm),
        ("LC-001", "c", CloseCaseForm),
    ],
    ids=["visit", "book", "held", "circulated", "cancel", "close"],
)
async def test_form_fits_and_scrolls_at_80x24_without_colour(caseload_db, new_app, monkeypatch,
                                                               ref, key, form_type):
    monkeypatch.setenv("NO_COLOR", "1")
    app = new_app(caseload_db)
    async with app.run_test(size=SMALL) as pilot:
        form = await open_form(pilot, ref, key, form_type)
        footer = {active.binding.id for active in form.active_bindings.values()
                  if active.binding.show}
        assert {"save", "cancel"} <= footer  # the footer hint: ctrl+s Save, esc Cancel
        fields = list(form.query(Field))
        assert fields
        for field in fields:
            field.scroll_visible(animate=False, immediate=True)
            await pilot.pause()
            if not all(getattr(node, "display", True) for node in field.ancestors_with_self):
                continue  # e.g. the siblings' part of the visit form, shown only when ticked
            assert field.widget.region.width > 0, (field.label, field.widget.region)
            assert field.region.right <= SMALL[0], (field.label, field.region)
            assert field.widget.region.right <= SMALL[0], (field.label, field.widget.region)
        # The last thing Tab reaches is scrolled into view and is whole in width.
        last = form.focus_chain[-1]
        last.focus()
        await pilot.pause()
        region = last.region
        assert region.height > 0 and 0 <= region.y < SMALL[1], (last, region)
        assert region.right <= SMALL[0]
