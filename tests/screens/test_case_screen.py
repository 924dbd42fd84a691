"""The case screen: facts, every deadline with its reason, and the timeline."""

from __future__ import annotations

from datetime import date

from models.inputs import CaseInput, VisitInput
from screens.forms.visit import VisitForm

from .helpers import caseload_ready, field_error, open_case, until, widget_text
from .test_visit_form import save_and_wait_for_errors, type_into


def text_of(screen, widget_id: str) -> str:
    return widget_text(screen.query_one(f"#{widget_id}"))


async def test_enter_opens_the_case_with_its_facts(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 60)) as pilot:
        screen = await open_case(pilot, "WR-002")
        facts = text_of(screen, "case-facts")
        assert "Bilal Hassan" in facts
        assert "5 y (born 10 Jun 2021)" in facts
        assert "Sam Patel" in facts
        assert "Wirral" in facts
        # The sibling group names the other open child of the family.
        assert "hassan: Amira Hassan (WR-001)" in facts
        assert "1 Sep 2026" in facts  # allocated


async def test_every_deadline_is_explained(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(160, 80)) as pilot:
        screen = await open_case(pilot, "WR-002")
        deadlines = " ".join(text_of(screen, "case-deadlines").split())
        # The visit: last seen Mon 16 Nov, due Mon 14 Dec (worked out in conftest.py).
        assert "✔ 15 wd Child seen, views sought and recorded due 14 Dec 2026 · in time · " \
               "15 working days left" in deadlines
        assert "Rule wirral.visit: Wirral Child in Need Procedure (April 2017)" in deadlines
        assert "section 2.11" in deadlines
        # The circulation: 14 days after the initial meeting of Mon 2 Nov -> Mon 16 Nov.
        assert "due 16 Nov 2026 · overdue · 7 days late" in deadlines
        assert "Why 14 days after the initial meeting held on 2 Nov 2026" in deadlines


async def test_timeline_lists_visits_and_meetings_newest_first(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(160, 80)) as pilot:
        screen = await open_case(pilot, "WR-002")
        timeline = [line.strip() for line in text_of(screen, "case-timeline").splitlines()
                    if line.strip()]
        assert timeline[0].startswith("3 Dec 2026")
        assert "CIN review meeting" in timeline[0] and "booked" in timeline[0]
        assert timeline[1].startswith("16 Nov 2026")
        assert "at school · seen alone · voice: “Happy”" in timeline[1]
        assert timeline[2].startswith("2 Nov 2026")
        assert "chair Ann Lee (Team Manager) · family attended · not circulated yet" in timeline[2]


async def test_escape_goes_back_to_the_caseload(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_case(pilot, "WR-001")
        await pilot.press("escape")
        await caseload_ready(pilot)


async def test_keys_that_cannot_apply_say_why(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_case(pilot, "WR-001")  # no meetings at all
        await pilot.press("h")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CaseScreen"
        assert any("No booked meeting: book one first (b)" in str(n.message)
                   for n in app._notifications)


async def test_square_brackets_in_names_and_words_are_shown_as_typed(make_database, new_app):
    # Textual and Rich read "[b]" as markup; a child's name or voice, or text typed into a
    # form, must never be.
    database = make_database([
        CaseInput(ref="WR-009", name="Zoë [b]Brackets[/b]", policy="wirral", family="f9",
                  allocated=date(2026, 9, 1), dob=date(2016, 1, 1),
                  visits=[VisitInput(date=date(2026, 11, 2), seen=True, seen_alone=True,
                                     childs_voice="I said [no] and [/x]")]),
        CaseInput(ref="WR-010", name="Sib [i]Ling", policy="wirral", family="f9",
                  allocated=date(2026, 9, 1)),
    ])
    app = new_app(database)
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_case(pilot, "WR-009")
        assert "Zoë [b]Brackets[/b]" in widget_text(screen.query_one("#case-facts"))
        assert "I said [no] and [/x]" in widget_text(screen.query_one("#case-timeline"))
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, VisitForm), "the visit form")
        await type_into(pilot, "#date", "[oops")
        await save_and_wait_for_errors(pilot)
        assert '"[oops" is not a date' in field_error(app.screen, "date")


async def test_privacy_mode_masks_the_sibling_group_key_which_can_be_a_surname(caseload_db,
                                                                               new_app):
    app = new_app(caseload_db, privacy=True)
    async with app.run_test(size=(140, 60)) as pilot:
        screen = await open_case(pilot, "WR-002")
        facts = text_of(screen, "case-facts")
        # The group "hassan" is the family's surname: initials only, like the names.
        assert "H.: A. H. (WR-001)" in facts
        assert "hassan" not in facts.casefold()


async def test_privacy_mode_keeps_names_out_of_the_title_and_the_recorded_words(caseload_db,
                                                                                new_app):
    """A shared screen shows initials everywhere on the case: the title, and the family's names
    inside what was recorded (as the walkthrough does); switching privacy off shows them again."""
    app = new_app(caseload_db, privacy=True)
    async with app.run_test(size=(140, 60)) as pilot:
        await caseload_ready(pilot)
        app.service.log_visit("WR-002", VisitInput(
            date=date(2026, 11, 20), seen=True, seen_alone=True, location="home",
            childs_voice="Bilal said Amira Hassan helps him"))
        app.data_changed()
        screen = await open_case(pilot, "WR-002")
        timeline = text_of(screen, "case-timeline")
        assert "B. said A. H. helps him" in timeline
        assert not {"Bilal", "Amira", "Hassan"} & set(timeline.replace("“", " ").split())
        assert screen.title == "cin · B. H. (WR-002)"

        await pilot.press("p")
        await until(pilot, lambda: screen.title == "cin · Bilal Hassan (WR-002)", "names shown")
        assert "Bilal said Amira Hassan helps him" in text_of(screen, "case-timeline")
