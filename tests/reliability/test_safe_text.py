"""policies.safe_text: the one function that makes text safe for a terminal."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policies.safe_text import UNSAFE_CODE_POINTS, is_safe_text, safe_json, safe_text


@pytest.mark.parametrize(("text", "shown"), [
    ("Amy\x1b]52;c;aGk=\x07", "Amy\\x1b]52;c;aGk=\\x07"),  # OSC 52: write the clipboard
    ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),                   # clear the screen
    ("a\x00b\x7f", "a\\x00b\\x7f"),                           # NUL, DEL
    ("\x9b31m\x85\x9d", "\\x9b31m\\x85\\x9d"),                # C1: CSI, NEL, OSC
    ("abc\u202efed\u202c", "abc\\u202efed\\u202c"),           # bidi override
    ("\u2066x\u2069\u200f", "\\u2066x\\u2069\\u200f"),        # isolates, RLM
    ("one\r\ntwo\tthree", "one\\r\\ntwo\\tthree"),            # one line only
    ("line\u2028break", "line\\u2028break"),
    ("Zoë Ó Briain 😀\u200d👍 [/b] <b>", "Zoë Ó Briain 😀\u200d👍 [/b] <b>"),  # unchanged
])
def test_control_characters_are_shown_as_escapes(text, shown):
    assert safe_text(text) == shown


def test_several_lines_keep_their_line_breaks_and_tabs():
    assert safe_text("one\r\ntwo\tthree\rfour\x1b", multiline=True) == \
        "one\ntwo\tthree\\rfour\\x1b"


@given(st.text())
def test_the_result_is_always_safe_and_stays_the_same_when_made_safe_again(text):
    for multiline in (False, True):
        shown = safe_text(text, multiline=multiline)
        assert is_safe_text(shown, multiline=multiline)
        assert safe_text(shown, multiline=multiline) == shown
        assert not any(ord(ch) in UNSAFE_CODE_POINTS for ch in shown.replace("\n", "")
                       .replace("\t", ""))


@given(st.text())
def test_safe_json_is_the_same_json_value_with_nothing_raw(text):
    encoded = json.dumps({"name": text}, ensure_ascii=False)
    safe = safe_json(encoded)
    assert json.loads(safe) == {"name": text}
    assert is_safe_text(safe)


def test_safe_json_escapes_delete_in_otherwise_ascii_json():
    # Found by the property test: DEL (U+007F) is ASCII, and an "all ASCII, nothing to do"
    # shortcut let it through raw.
    import json

    from policies.safe_text import safe_json

    text = json.dumps({"name": "Amy\x7f"})
    assert safe_json(text) == '{"name": "Amy\\u007f"}'
