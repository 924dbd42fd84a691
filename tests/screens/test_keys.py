"""Keys: every command has an id, a description and a tooltip; `?` lists them; the palette
offers them; a settings keymap moves them."""

from __future__ import annotations

from screens import keys
from screens.case import CaseScreen
from screens.caseload import CaseloadScreen
from screens.help import HelpScreen

from .helpers import caseload_ready, open_case, until, widget_text


def test_every_binding_is_declared_with_id_description_and_tooltip():
    for screen in (CaseloadScreen, CaseScreen):
        for binding in screen.BINDINGS:
            assert binding.id in keys.COMMANDS_BY_ID, binding
            assert binding.description and binding.tooltip, binding


async def test_question_mark_lists_the_keys_of_the_screen(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_ready(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        listed = " ".join(widget_text(app.screen.query_one("#help-keys")).split())
        for words in ("Type part of a name or reference", "Show or hide closed cases",
                      "Log a visit", "search", "show_closed"):
            assert words in listed, words
        await pilot.press("escape")
        assert isinstance(app.screen, CaseloadScreen)


async def test_the_command_palette_offers_the_same_commands(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_case(pilot, "WR-001")
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Visit (v)" in titles
        assert "Book (b)" in titles
        assert "Close case (c)" in titles


async def test_a_keymap_in_settings_moves_a_key(caseload_db, new_app, tmp_path):
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "settings.toml").write_text('[keymap]\nlog_visit = "ctrl+l"\n', encoding="utf-8")
    app = new_app(caseload_db, settings_dir=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_case(pilot, "WR-001")
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)  # v no longer logs a visit
        await pilot.press("ctrl+l")
        await until(pilot, lambda: app.screen.__class__.__name__ == "VisitForm", "the visit form")
        titles = [command.title for command in app.get_system_commands(app.screen_stack[-2])]
        assert "Visit (^l)" in titles


def test_each_keymap_id_is_declared_by_one_command():
    # Two declarations of one id could disagree (key, action, words); the keymap moves one id.
    declared = [value for value in vars(keys).values() if isinstance(value, keys.Command)]
    ids = [command.id for command in declared]
    assert sorted(ids) == sorted(set(ids))
    assert keys.COMMANDS_BY_ID["privacy"] is keys.PRIVACY


async def test_privacy_is_hidden_on_the_caseload_footer_and_a_keymap_moves_it(
        caseload_db, new_app, tmp_path):
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "settings.toml").write_text('[keymap]\nprivacy = "ctrl+y"\n', encoding="utf-8")
    app = new_app(caseload_db, settings_dir=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await caseload_ready(pilot)
        shown = [active.binding.id for active in screen.active_bindings.values()
                 if active.binding.show]
        assert "privacy" not in shown  # the caseload footer has no room for it
        assert not app.privacy
        await pilot.press("p")
        await pilot.pause()
        assert not app.privacy  # p no longer toggles privacy
        await pilot.press("ctrl+y")
        await until(pilot, lambda: app.privacy, "privacy mode")


async def test_help_explains_what_due_this_week_means_at_the_weekend(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_ready(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        words = " ".join(widget_text(app.screen.query_one("#help-due-this-week")).split())
        assert "on a Saturday or Sunday it counts to the end of the coming week" in words
