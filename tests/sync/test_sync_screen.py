"""The sync screen: `y` on the caseload (offered only when settings.toml names a team
server) syncs in a thread worker, then lists each conflict with both values and each refused
change with its reason, and `l` / `s` / `d` settle them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cin_tui.app import make_app
from screens.caseload import CaseloadScreen
from screens.sync import SyncScreen

from ..screens.helpers import caseload_ready, shown_refs, until, widget_text
from .team import TODAY, as_login, family


def _app(replica: Path, settings: Path):
    app = make_app(database_path=replica, today=TODAY, settings_dir=settings, cursor_blink=False)
    app.animation_level = "none"
    return app


async def _synced(pilot) -> SyncScreen:
    await until(pilot, lambda: isinstance(pilot.app.screen, SyncScreen)
                and not pilot.app.screen.running, "the sync to finish")
    return pilot.app.screen


def _footer_keys(app) -> list[str]:
    """The descriptions of the keys the footer shows."""
    return [str(key.description) for key in app.screen.query("FooterKey")]


def _waiting(screen: SyncScreen) -> str:
    return widget_text(screen.query_one("#sync-waiting"))


async def test_the_sync_screen_shows_a_conflict_and_keeps_the_laptops_value(team, laptop,
                                                                            tmp_path):
    ann = laptop("ann")
    ann.sync()
    ann.visit("N1", date(2026, 11, 20), "Likes the new school")
    with ann.service() as service:
        service.edit_case("N1", {"family": "Lee family"})
    with team.service(team.max, actor="Max Ford") as manager:
        manager.edit_case("N1", {"family": "Lee-Moss family"})
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "settings.toml").write_text(
        f'worker = "Ann Lee"\n[team]\nserver = "{as_login(team.url, team.ann).url}"\n',
        encoding="utf-8")
    app = _app(ann.replica, settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_ready(pilot)
        await until(pilot, lambda: "Sync" in _footer_keys(app), "the Sync key in the footer")
        await pilot.press("y")
        screen = await _synced(pilot)
        result = widget_text(screen.query_one("#sync-result"))
        assert "Sent to the team server (1):" in result and "new visit of 20 Nov 2026" in result
        waiting = _waiting(screen)
        assert "the case's family: team server \"Lee-Moss family\"" in waiting
        assert "this laptop \"Lee family\"" in waiting
        await pilot.press("l")
        await until(pilot, lambda: not screen.conflicts, "the choice to be saved")
        assert "Nothing: no conflicts" in _waiting(screen)
        await pilot.press("y")
        await _synced(pilot)
        assert "case details changed (family)" in widget_text(screen.query_one("#sync-result"))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CaseloadScreen), "the caseload")
    assert team.sql("SELECT family FROM cases WHERE ref = 'N1'") == [("Lee family",)]
    assert family(ann, "N1") == "Lee family"


async def test_a_refused_change_is_shown_with_its_reason_and_can_be_let_go(team, laptop,
                                                                          tmp_path):
    ann = laptop("ann")
    ann.sync()
    ann.visit("N2", date(2026, 11, 20), "Told me about the baby")
    with team.service(team.max, actor="Max Ford") as manager:
        manager.edit_case("N2", {"worker": "Bea Cole"})
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "settings.toml").write_text(
        f'[team]\nserver = "{as_login(team.url, team.ann).url}"\n', encoding="utf-8")
    app = _app(ann.replica, settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_ready(pilot)
        await pilot.press("y")
        screen = await _synced(pilot)
        waiting = _waiting(screen)
        assert "Refused N2: new visit of 20 Nov 2026" in waiting
        assert "cannot be changed from this account" in waiting
        await pilot.press("d")
        await until(pilot, lambda: not screen.refusals, "the refusal to be let go")
    with ann.service() as service:
        assert service.sync_refusals() == []
        assert any(e.action == "sync_discard" for e in service.audit_entries("N2"))


async def test_without_a_team_server_there_is_no_sync_key(tmp_path, laptop, team):
    ann = laptop("ann")
    ann.sync()
    settings = tmp_path / "settings"
    settings.mkdir()
    app = _app(ann.replica, settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_ready(pilot)
        await pilot.pause()
        assert "Quit" in _footer_keys(app) and "Sync" not in _footer_keys(app)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)


async def test_hostile_text_in_a_conflict_is_shown_not_obeyed(make_database, tmp_path):
    # No server needed: the conflict is one an earlier sync kept; this one cannot connect.
    from models.db import open_database, session_scope
    from models.sync_changes import Change
    from models.sync_local import keep_conflict, keep_refusal
    from models.sync_push import Conflict

    hostile = "\x1b[2J\x1b]0;pwned\x07[bold red]Lee[/] \u202efamily"
    replica = make_database([])
    engine = open_database(replica)
    with session_scope(engine) as session:
        keep_conflict(session, Conflict("N1", "case", None, "family", None, hostile, "Lee"))
        keep_refusal(session, Change("visit", "N1", "u1", {"date": "2026-11-20"}), hostile)
    engine.dispose()
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "settings.toml").write_text(
        f'[team]\nserver = "postgresql:///cin?host={tmp_path}"\n', encoding="utf-8")
    app = _app(replica, settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_ready(pilot)
        await pilot.press("y")
        screen = await _synced(pilot)
        waiting = _waiting(screen)
        assert "\\x1b[2J" in waiting and "[bold red]Lee[/]" in waiting  # shown as typed
        for raw in ("\x1b", "\x07", "\u202e"):
            assert raw not in waiting
        assert "cannot be reached" in widget_text(screen.query_one("#sync-result"))


async def test_closing_the_screen_while_a_sync_runs_lets_it_finish(team, laptop, tmp_path,
                                                                  monkeypatch):
    import threading

    from models.sync_run import _Run

    ann = laptop("ann")
    ann.sync()
    ann.visit("N1", date(2026, 11, 20), "Likes the new school")
    with team.service(None) as server:  # a new child for Ann, allocated at the office
        from models.inputs import CaseInput

        server.add_case(CaseInput(ref="N4", name="Child N4", policy="wirral",
                                  allocated=date(2026, 11, 16), worker="Ann Lee",
                                  team="North"))
    # The sync waits before fetching until the test lets it go: the screen is closed while
    # the visit is sent and the fetch has not begun.
    go_on = threading.Event()
    fetch = _Run._fetch

    def held_fetch(self, pending):
        assert go_on.wait(timeout=60)
        print("released", flush=True)
        try:
            return fetch(self, pending)
        finally:
            print("fetched", flush=True)

    monkeypatch.setattr(_Run, "_fetch", held_fetch)
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "settings.toml").write_text(
        f'worker = "Ann Lee"\n[team]\nserver = "{as_login(team.url, team.ann).url}"\n',
        encoding="utf-8")
    app = _app(ann.replica, settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_ready(pilot)
        await pilot.press("y")
        screen = pilot.app.screen
        assert isinstance(screen, SyncScreen)
        await until(pilot, lambda: "Sent N1: new visit of 20 Nov 2026"
                    in widget_text(screen.query_one("#sync-progress")), "the visit to be sent")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CaseloadScreen), "the caseload")
        assert any("The sync carries on" in str(n.message) for n in app._notifications)
        caseload = app.screen
        assert "N4" not in shown_refs(caseload)
        go_on.set()
        await until(pilot, lambda: not screen.running, "the sync to end")
        await caseload_ready(pilot)  # reloaded with what the sync brought
        assert "N4" in shown_refs(caseload)
        assert not any(n.severity == "error" for n in app._notifications)
    assert team.sql("SELECT count(*) FROM visits") == [(1,)]
    assert ann.visits("N1") == [("2026-11-20", "Likes the new school")]
