"""The user's keymap (settings.toml) is checked at start: each mistake is said with the file,
the line and what would be accepted, and a keymap that leaves Quit or Help without a key is not
used (issue 12, item 8)."""

from __future__ import annotations

from cin_tui.settings import keymap_lines
from screens.forms.visit import VisitForm
from screens.keymap import check_keymap, is_key

from .helpers import caseload_ready, until

SETTINGS = """worker = "Sam Patel"

[keymap]
log_vist = "ctrl+v"
search = "ctrl+banana"
reload = "f5"
"""


def test_each_mistake_names_the_file_line_and_what_is_accepted():
    checked = check_keymap({"log_vist": "ctrl+v", "search": "ctrl+banana", "reload": "f5"},
                           file="/home/sam/settings.toml", lines=keymap_lines(SETTINGS))
    assert checked.keymap == {"reload": "f5"}  # the good entry is used
    unknown, bad_key = checked.problems
    assert unknown.startswith("/home/sam/settings.toml, line 4: keymap.log_vist: no such key "
                              "id, so it was left out; the ids are: ")
    assert "log_visit" in unknown
    assert bad_key.startswith("/home/sam/settings.toml, line 5: keymap.search: 'ctrl+banana' "
                              "is not a key, so the default was kept; write a key such as ")


def test_keys_textual_can_match():
    assert all(is_key(key) for key in ("v", "V", "?", "ctrl+v", "f5", "escape", "question_mark",
                                       "slash", "alt+left", "space", "full_stop"))
    assert not any(is_key(key) for key in ("ctrl+banana", "cmd+v", "", " ", "ctrl+", "banana"))


def test_a_keymap_that_takes_quits_key_is_refused_whole():
    # log_visit moved onto q: on the caseload, Quit would have no key left.
    checked = check_keymap({"log_visit": "q", "reload": "f5"}, file="s.toml", lines={})
    assert checked.keymap == {}
    assert checked.problems == [
        "s.toml: the keymap was not used, and the default keys were kept: it would leave Quit "
        "(quit) with no key on the caseload (taken by log_visit). Give each of these its own key"]
    # Help moved away from ? with another command put on it: Help keeps no key on a case.
    checked = check_keymap({"help": "h"}, file="s.toml", lines={})
    assert "Keys (help) with no key on a case (taken by" not in " ".join(checked.problems)
    checked = check_keymap({"close_case": "?,question_mark"}, file="s.toml", lines={})
    assert "Keys (help) with no key on a case (taken by close_case)" in checked.problems[0]


async def test_the_app_says_what_is_wrong_at_start_and_uses_the_rest(caseload_db, new_app,
                                                                    tmp_path):
    folder = tmp_path / "settings"
    folder.mkdir()
    (folder / "settings.toml").write_text(SETTINGS.replace('"f5"', '"ctrl+o"').replace(
        "log_vist", "log_visit_typo") + 'log_visit = "ctrl+v"\n', encoding="utf-8")
    app = new_app(caseload_db, settings_dir=folder)
    async with app.run_test(size=(140, 40)) as pilot:
        await caseload_ready(pilot)
        messages = [n.message for n in app._notifications]
        assert any(m.startswith(f"{folder / 'settings.toml'}, line 4: keymap.log_visit_typo: "
                                "no such key id") for m in messages)
        assert any(m.startswith(f"{folder / 'settings.toml'}, line 5: keymap.search: "
                                "'ctrl+banana' is not a key") for m in messages)
        # The good entries work: ctrl+v logs a visit.
        await pilot.press("ctrl+v")
        await until(pilot, lambda: isinstance(app.screen, VisitForm), "the visit form")


async def test_a_refused_keymap_keeps_q_for_quit(caseload_db, new_app, tmp_path):
    folder = tmp_path / "settings"
    folder.mkdir()
    (folder / "settings.toml").write_text('[keymap]\nlog_visit = "q"\n', encoding="utf-8")
    app = new_app(caseload_db, settings_dir=folder)
    async with app.run_test(size=(140, 40)) as pilot:
        await caseload_ready(pilot)
        assert any("the keymap was not used, and the default keys were kept" in n.message
                   for n in app._notifications)
        await pilot.press("v")  # the default key still logs a visit
        await until(pilot, lambda: isinstance(app.screen, VisitForm), "the visit form")
        await pilot.press("escape")
        await caseload_ready(pilot)
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running, "the app to quit")
