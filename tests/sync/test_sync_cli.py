"""`cin sync` and `cin resolve` as a worker runs them: the settings name the team server,
the output says what went each way, conflicts and refusals with both values and what to
type; a server out of reach changes nothing; hostile text from the server stays inert."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from cin_tui.cli import main
from cin_tui.settings import SettingsError, load_settings
from models.inputs import VisitInput

from .team import as_login

TODAY = "2026-11-23"


@pytest.fixture
def cin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """`cin --db <laptop file> --today 2026-11-23 ARGS...` with its own settings folder."""
    folder = tmp_path / "settings"
    folder.mkdir()
    monkeypatch.setenv("CIN_SETTINGS_DIR", str(folder))
    for name in ("CIN_DB", "CIN_TODAY", "CIN_DEBUG"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str, db: Path = tmp_path / "laptop.db") -> tuple[int, str, str]:
        code = main(["--db", str(db), "--today", TODAY, *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    run.settings = folder / "settings.toml"  # type: ignore[attr-defined]
    return run


def _settings(cin, server: str, worker: str) -> None:
    cin.settings.write_text(f'worker = "{worker}"\n[team]\nserver = "{server}"\n',
                            encoding="utf-8")


def test_without_a_team_server_named_sync_says_where_to_name_one(cin, tmp_path):
    code, _out, err = cin("sync")
    assert code == 1 and "[team]" in err and "--server" in err and "Traceback" not in err
    assert not (tmp_path / "laptop.db").exists()


def test_a_server_out_of_reach_is_a_message_and_changes_nothing(cin, tmp_path):
    _settings(cin, f"postgresql:///cin?host={tmp_path}", "Ann Lee")  # no server in that folder
    code, _out, err = cin("sync")
    assert code == 1
    assert "team server cannot be reached" in err and "[team] server" in err
    assert "Nothing was changed" in err
    assert "Traceback" not in err and "OperationalError" not in err
    assert not (tmp_path / "laptop.db").exists()  # no replica made either


def test_a_password_in_the_servers_address_is_refused(cin, tmp_path):
    code, _out, err = cin("sync", "--server", "postgresql://ann:secret@db.local/cin")
    assert code == 1 and "password" in err and ".pgpass" in err and "secret" not in err
    cin.settings.write_text('[team]\nserver = "postgresql://ann:secret@db.local/cin"\n',
                            encoding="utf-8")
    with pytest.raises(SettingsError, match=r"team\.server"):
        load_settings(cin.settings.parent)


def test_a_service_name_in_the_settings_is_a_libpq_service(cin):
    cin.settings.write_text('[team]\nserver = "cin-north"\n', encoding="utf-8")
    assert load_settings(cin.settings.parent).team_server == "postgresql:///?service=cin-north"


def test_cin_sync_and_resolve_from_the_command_line(cin, team, tmp_path):
    _settings(cin, as_login(team.url, team.ann).url, "Ann Lee")
    code, out, err = cin("sync")
    assert code == 0, err
    assert "First sync" in out and "Brought up to date on this laptop (3): N1, N2, N3" in out
    assert cin("visit", "N1", "--date", "20/11/2026", "--seen", "yes", "--alone", "yes",
               "--voice", "Likes the new school", "--location", "home")[0] == 0
    assert cin("edit-case", "N1", "--family", "Lee family")[0] == 0
    with team.service(team.max, actor="Max Ford") as manager:  # meanwhile, at the office
        manager.edit_case("N1", {"family": "Lee-Moss family"})
    code, out, err = cin("sync")
    assert code == 0, err
    assert "Sent to the team server (1):\n  N1: new visit of 20 Nov 2026" in out
    assert ("1. N1, the case's family: team server \"Lee-Moss family\", this laptop "
            "\"Lee family\"") in out
    assert "cin resolve 1 --keep server   or   cin resolve 1 --keep laptop" in out
    listed = json.loads(cin("sync", "--conflicts", "--json")[1])
    assert [(c["field"], c["server"], c["laptop"]) for c in listed["conflicts"]] == [
        ("family", "Lee-Moss family", "Lee family")]
    assert listed["conflicts"][0]["words"] == {
        "field": "the case's family", "base": "not recorded", "server": "Lee-Moss family",
        "laptop": "Lee family"}
    code, out, err = cin("resolve", "1", "--keep", "laptop")
    assert code == 0 and "kept this laptop's value of the case's family: \"Lee family\"" in out
    report = json.loads(cin("sync", "--json")[1])
    assert report["sent"] == ["N1: case details changed (family)"]
    assert report["conflicts"] == [] and report["refusals"] == []
    assert team.sql("SELECT family FROM cases WHERE ref = 'N1'") == [("Lee family",)]
    code, out, err = cin("resolve", "1", "--keep", "server")
    assert code == 1 and "no sync conflict number 1" in err


def test_a_refused_change_is_listed_with_its_reason_and_can_be_let_go(cin, team):
    _settings(cin, as_login(team.url, team.ann).url, "Ann Lee")
    cin("sync")
    cin("visit", "N2", "--date", "20/11/2026", "--seen", "yes", "--alone", "yes", "--voice",
        "Told me about the baby", "--location", "home")
    with team.service(team.max, actor="Max Ford") as manager:
        manager.edit_case("N2", {"worker": "Bea Cole"})
    code, out, err = cin("sync")
    assert code == 0, err
    assert "Refused by the team server, kept on this laptop (1)" in out
    assert "N2: new visit of 20 Nov 2026" in out and "cannot be changed from this account" in out
    code, out, err = cin("sync", "--discard", "1")
    assert code == 0 and "Let go of refused change 1" in out
    assert "Nothing waiting" in cin("sync", "--conflicts")[1]


def test_hostile_text_from_the_server_stays_inert(cin, team, tmp_path):
    # Written straight into the server (psql), past cin's own checks: escape sequences, a
    # terminal title, a bell, console markup and a right-to-left override.
    hostile = "\x1b[2J\x1b]0;pwned\x07[bold red]Lee[/] \u202efamily"
    with team.service(None) as server:
        server.log_visit("N1", VisitInput(date=date(2026, 11, 9), seen=True, seen_alone=True,
                                          childs_voice="Likes football", location="home"))
    team.execute("UPDATE visits SET childs_voice = %s", hostile)
    _settings(cin, as_login(team.url, team.ann).url, "Ann Lee")
    cin("sync")
    assert cin("edit-case", "N1", "--family", "Lee family")[0] == 0
    team.execute("UPDATE cases SET family = %s, version = version + 1 WHERE ref = 'N1'", hostile)
    code, out, err = cin("sync")
    assert code == 0, err
    assert "the case's family" in out
    for raw in ("\x1b", "\x07", "\u202e"):
        assert raw not in out + err
    assert "\\x1b[2J" in out  # shown, not obeyed
    # Kept word for word on the laptop: the replica holds what the server has.
    from models.service import CaseloadService

    with CaseloadService(database=tmp_path / "laptop.db", settings_dir=None,
                         today=date(2026, 11, 23), actor="test") as laptop:
        detail = laptop.case_detail("N1")
        [conflict] = laptop.sync_conflicts()
    assert [v.childs_voice for v in detail.visits] == [hostile]
    assert detail.summary.family == hostile == conflict.server


def test_sync_on_the_team_server_itself_says_what_to_give(cin):
    code, _out, err = cin("sync", db="postgresql://db.council.local/cin")
    assert code == 1 and "this laptop's own file" in err and "--server" in err


def test_an_unreachable_server_after_a_first_sync_loses_nothing(cin, team, tmp_path):
    _settings(cin, as_login(team.url, team.ann).url, "Ann Lee")
    assert cin("sync")[0] == 0
    cin("visit", "N1", "--date", "20/11/2026", "--seen", "yes", "--alone", "yes", "--voice",
        "Seen in the car park", "--location", "other")
    before = cin("audit", "--json")[1]
    _settings(cin, f"postgresql:///cin?host={tmp_path}", "Ann Lee")  # off the network
    code, _out, err = cin("sync")
    assert code == 1 and "team server cannot be reached" in err
    assert cin("audit", "--json")[1] == before  # nothing written on the laptop
    _settings(cin, as_login(team.url, team.ann).url, "Ann Lee")  # back in the office
    code, out, _err = cin("sync")
    assert code == 0 and "N1: new visit of 20 Nov 2026" in out
    assert team.sql("SELECT childs_voice FROM visits") == [("Seen in the car park",)]


@pytest.mark.parametrize(("server", "warned"), [
    ("postgresql://ann@db.council.local/cin", True),
    ("postgresql://ann@db.council.local/cin?sslmode=require", True),
    ("postgresql://ann@db.council.local/cin?sslmode=verify-full&sslrootcert=/etc/root.pem",
     False),
    ("postgresql:///cin?host=/run/postgresql", False),
    ("postgresql:///?service=children_team", False),
])
def test_a_server_reached_without_a_checked_certificate_is_warned_about(server, warned):
    from models.sync_words import tls_warning

    warning = tls_warning(server)
    assert (warning is not None) == warned
    if warned:
        assert warning is not None and "sslmode=verify-full" in warning


def test_sync_streams_each_step_on_stderr_as_it_goes(cin, team, monkeypatch, capsys):
    from models.sync_run import _Run

    _settings(cin, as_login(team.url, team.ann).url, "Ann Lee")
    cin("sync")
    cin("visit", "N1", "--date", "20/11/2026", "--seen", "yes", "--alone", "yes", "--voice",
        "Likes the new school", "--location", "home")
    seen_by_then: list[tuple[str, str]] = []
    fetch = _Run._fetch

    def fetch_after_a_look(self, pending):  # what the worker had seen when fetching began
        captured = capsys.readouterr()
        seen_by_then.append((captured.out, captured.err))
        return fetch(self, pending)

    monkeypatch.setattr(_Run, "_fetch", fetch_after_a_look)
    code, out, err = cin("sync", "--json")
    assert code == 0, err
    [(out_then, err_then)] = seen_by_then
    # Sent, and already said so on stderr, while the sync was still running.
    assert "Syncing with postgresql://" in err_then
    assert "  Sent N1: new visit of 20 Nov 2026" in err_then.splitlines()
    assert out_then == ""
    assert err.splitlines() == ["  Fetched N1", "  Sync finished"]
    assert json.loads(out)["sent"] == ["N1: new visit of 20 Nov 2026"]  # stdout: JSON only
