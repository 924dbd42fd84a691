"""Keys: every command has an id, a description and a tooltip; `?` lists them; the palette
offers them; a settings keymap moves them."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode

from screens import keys
from screens.case import CaseScreen
from screens.caseload import CaseloadScreen
from screens.help import HelpScreen

from .helpers import caseload_ready, open_case, until, widget_text

ROOT = Path(__file__).resolve().parents[2]
# Where bindings are declared: every other file takes them from screens/keys.py.
KEYS_FILE = ROOT / "screens" / "keys.py"
# A reusable widget's own movement keys, like Textual's own widgets' (the arrows, PgUp/PgDn,
# Home/End, and Enter as "select"): not app commands, so not in the keymap, the palette or the
# help screen's table (which lists them on its fixed "Move through the list" line). The screens
# that use the table bind their own Enter from keys.py (OPEN_CASE, WALKTHROUGH).
WIDGET_NAVIGATION = {ROOT / "screens" / "widgets" / "line_table.py"}


def _from_keys(node: ast.expr) -> bool:
    """`keys.bindings(...)`, `keys.X.binding(...)`, or a list of those (starred or not)."""
    if isinstance(node, ast.List):
        return all(_from_keys(e.value if isinstance(e, ast.Starred) else e) for e in node.elts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _from_keys(node.left) and _from_keys(node.right)
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    target = node.func.value
    if node.func.attr == "bindings":
        return isinstance(target, ast.Name) and target.id == "keys"
    return (node.func.attr == "binding" and isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name) and target.value.id == "keys")


def _called_name(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else \
        func.attr if isinstance(func, ast.Attribute) else None


def test_every_binding_in_the_source_comes_from_keys_py():
    # Read the source, so a binding on any widget or screen counts, however it is built: a
    # Binding(...) or a Command(...) made elsewhere, or a BINDINGS list of tuples.
    offences = []
    for path in sorted([*(ROOT / "screens").rglob("*.py"), *(ROOT / "cin_tui").rglob("*.py")]):
        if path == KEYS_FILE or path in WIDGET_NAVIGATION:
            continue
        where = path.relative_to(ROOT)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Call) and _called_name(node) in ("Binding", "Command"):
                offences.append(f"{where}:{node.lineno}: {_called_name(node)}(...)")
            targets = (node.targets if isinstance(node, ast.Assign) else
                       [node.target] if isinstance(node, ast.AnnAssign) else [])
            if any(isinstance(t, ast.Name) and t.id == "BINDINGS" for t in targets) \
                    and node.value is not None and not _from_keys(node.value):
                offences.append(f"{where}:{node.lineno}: BINDINGS not made by screens/keys.py")
    assert offences == []


def _classes_with_bindings():
    # Module names from the files (not the package's __path__: under pytest's default import
    # mode the name `screens` can be this test folder's package).
    names = [".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
             for path in sorted((ROOT / "screens").rglob("*.py"))]
    modules = [importlib.import_module(name) for name in names]
    for module in modules:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (cls.__module__ == module.__name__ and issubclass(cls, DOMNode)
                    and "BINDINGS" in vars(cls)
                    and Path(inspect.getfile(cls)) not in WIDGET_NAVIGATION):
                yield cls


def test_every_binding_is_declared_with_id_description_and_tooltip():
    found = list(_classes_with_bindings())
    names = {cls.__name__ for cls in found}
    assert {"CaseloadScreen", "CaseScreen", "SearchInput", "HelpScreen", "TeamScreen"} <= names
    for cls in found:
        for binding in vars(cls)["BINDINGS"]:
            assert isinstance(binding, Binding), (cls, binding)
            command = keys.COMMANDS_BY_ID.get(binding.id)
            assert command is not None, (cls, binding)
            assert binding.description and binding.tooltip, (cls, binding)
            # As declared (a `show` override aside): the keymap, palette and help agree.
            assert (binding.key, binding.action, binding.description, binding.tooltip) == (
                command.key, command.action, command.title, command.help), (cls, binding)


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


async def test_help_explains_what_the_header_counts(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_ready(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        words = " ".join(widget_text(app.screen.query_one("#help-due-this-week")).split())
        assert '"✖ N children overdue" counts the cases with a ✖ anywhere' in words
        assert "counts the ▲ countdowns, amber within amber_working_days" in words


async def test_question_mark_again_closes_the_help(caseload_db, new_app):
    app = new_app(caseload_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_ready(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, CaseloadScreen), "the caseload again")


async def test_a_keymap_moves_the_key_that_clears_the_search(caseload_db, new_app, tmp_path):
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "settings.toml").write_text('[keymap]\nclear_search = "ctrl+u"\n',
                                            encoding="utf-8")
    app = new_app(caseload_db, settings_dir=settings)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await caseload_ready(pilot)
        await pilot.press("slash", *"hass")
        search = screen.query_one("SearchInput")
        assert search.value == "hass"
        await pilot.press("escape")
        await pilot.pause()
        assert search.value == "hass"  # Escape no longer clears it
        await pilot.press("ctrl+u")
        await until(pilot, lambda: search.value == "", "the search to clear")
        assert not search.has_focus  # back in the list
