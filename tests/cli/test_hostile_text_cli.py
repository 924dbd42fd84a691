"""What `cin` prints never acts on the terminal, and never shows a traceback: text from files,
the database or an error message is shown as text (policies.safe_text)."""

from __future__ import annotations

import pytest

from .cli_helpers import case, write_json


def test_markup_in_names_from_an_import_is_printed_as_typed(cin, tmp_path):
    path = write_json(tmp_path / "cases.json", [
        case("C-1", name="Amy [/i] Jones", worker="Sam [/b] Patel", team="[red]North")])
    assert cin("import", str(path)).code == 0
    explained = cin("explain", "C-1")
    assert explained.code == 0
    assert explained.out.splitlines()[:2] == [
        "C-1  Amy [/i] Jones", "worker Sam [/b] Patel, team [red]North"]
    assert "Amy [/i] Jones" in cin("due").out


def test_a_file_name_with_escapes_is_shown_as_text_in_the_import_report(cin, tmp_path):
    path = write_json(tmp_path / "new\x1b[2Jcases.json", [case("C-1")])
    result = cin("import", str(path))
    assert result.code == 0
    assert "\x1b" not in result.out
    assert result.out.startswith(f"{tmp_path}/new\\x1b[2Jcases.json: 1 case read.")


def test_an_unexpected_error_prints_no_traceback_and_no_raw_escape(cin, tmp_path, monkeypatch):
    path = write_json(tmp_path / "cases.json", [case("C-1")])
    assert cin("import", str(path)).code == 0
    from cin_tui import output

    def explain_with_a_bug(*args, **kwargs):
        child = "Amy Jones"  # a local a traceback with locals would print
        raise RuntimeError(f"bad \x1b]52;c;aGFja2Vk\x07 for {child}")

    monkeypatch.setattr(output, "explain_text", explain_with_a_bug)
    result = cin("explain", "C-1")
    assert result.code == 70
    assert "Traceback" not in result.err and "\x1b" not in result.err
    assert result.err.splitlines()[0] == (
        "cin: something unexpected went wrong (RuntimeError: bad \\x1b]52;c;aGFja2Vk\\x07 for "
        "Amy Jones).")
    assert "CIN_DEBUG=1" in result.err


@pytest.mark.parametrize("value", ["\x85", "\u202e", "\x7f", "\u2066"])
def test_due_json_escapes_what_the_encoder_leaves_raw(cin, tmp_path, value):
    import json
    import sqlite3

    path = write_json(tmp_path / "cases.json", [case("C-1")])
    assert cin("import", str(path)).code == 0
    db = tmp_path / "cases.db"
    with sqlite3.connect(db) as connection:  # stored by an older version, say
        connection.execute("UPDATE cases SET name = ?", (f"Amy{value}Jones",))
        connection.execute("DELETE FROM case_deadlines")
    connection.close()
    result = cin("due", "--json")
    assert value not in result.out
    assert f"Amy\\u{ord(value):04x}Jones" in result.out
    assert json.loads(result.out)[0]["name"] == f"Amy{value}Jones"
