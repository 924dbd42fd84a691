"""`--expect-version N` on `cin edit-case` and the correct commands (issue 13, item 5): the
version `cin history REF` shows, a save refused with who changed what and when when the case
has moved on, nothing written; without it a script acts on the case as it is now."""

from __future__ import annotations

from .cli_helpers import case, write_json


def imported(cin, tmp_path) -> None:
    visit = {"date": "2026-11-16", "seen": True, "seen_alone": True,
             "childs_voice": "I like football", "location": "home", "recorded": "2026-11-16"}
    path = write_json(tmp_path / "c.json", [case("C-0001", worker="Jo King", visits=[visit])])
    assert cin("import", str(path)).code == 0


def test_history_shows_the_version_and_edit_case_saves_against_it(cin, tmp_path):
    imported(cin, tmp_path)
    assert "Version 1 " in cin("history", "C-0001").out
    result = cin("edit-case", "C-0001", "--team", "North", "--expect-version", "1")
    assert (result.code, result.out) == (0, "C-0001: changed team.\n")
    assert "Version 2 " in cin("history", "C-0001").out


def test_a_stale_expected_version_is_refused_saying_who_what_and_what_to_do(cin, tmp_path):
    imported(cin, tmp_path)
    assert cin("edit-case", "C-0001", "--team", "North").code == 0  # someone else: version 2
    refused = cin("edit-case", "C-0001", "--family", "doyle", "--expect-version", "1")
    assert refused.code == 1 and refused.out == ""
    assert "case C-0001 was changed by" in refused.err and "Changed team" in refused.err
    assert "Nothing was saved" in refused.err and "--expect-version 2" in refused.err
    assert "cin history C-0001" in refused.err
    assert "family" not in cin("audit", "C-0001", "--changes").out
    # Corrections too: a visit corrected against version 1 is refused, then saved on 2.
    visit_id = next(line.split()[4] for line in cin("history", "C-0001").out.splitlines()
                    if "Visit" in line)
    stale = cin("correct-visit", "C-0001", "--visit", visit_id, "--voice", "I like swimming",
                "--reason", "misheard", "--expect-version", "1")
    assert stale.code == 1 and "Changed team" in stale.err
    fresh = cin("correct-visit", "C-0001", "--visit", visit_id, "--voice", "I like swimming",
                "--reason", "misheard", "--expect-version", "2")
    assert fresh.code == 0, fresh.err
    assert "I like swimming" in cin("history", "C-0001").out


def test_without_expect_version_a_script_acts_on_the_latest(cin, tmp_path):
    imported(cin, tmp_path)
    assert cin("edit-case", "C-0001", "--team", "North").code == 0
    assert cin("edit-case", "C-0001", "--family", "doyle").code == 0
    assert cin("reopen", "C-0001", "--reason", "x").code == 1  # open: refused for that only
    assert "Version 3 " in cin("history", "C-0001").out


def test_the_option_is_documented_in_each_commands_help(cin):
    for command in ("edit-case", "correct-visit", "correct-meeting", "correct-note",
                    "withdraw", "reopen"):
        shown = " ".join(cin(command, "--help").out.split())  # as wrapped for the terminal
        assert "--expect-version N" in shown and "cin history REF" in shown, command
