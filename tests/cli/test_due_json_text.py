"""`cin due --json` is written out by hand for speed; it must be byte for byte what the standard
json module writes with indent=2, whatever the text holds."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from cin_tui.output import DueItem, due_json
from policies.deadlines import Citation, Deadline

_TEXT = st.text(max_size=12)  # any characters: quotes, backslashes, controls, emoji, surrogates
_MAYBE = st.none() | _TEXT


@st.composite
def _items(draw):
    deadline = Deadline(
        kind=draw(_TEXT), label=draw(_TEXT),
        due=draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))),
        status=draw(_TEXT), countdown=draw(st.integers(-10**6, 10**6)), unit=draw(_TEXT),
        rule_id=draw(_TEXT), citation=Citation(draw(_TEXT), draw(_TEXT), draw(_TEXT)),
        basis=draw(_TEXT), notes=tuple(draw(st.lists(_TEXT, max_size=3))),
    )
    return DueItem(draw(_TEXT), draw(_TEXT), draw(_MAYBE), draw(_MAYBE), draw(_TEXT), deadline)


@settings(max_examples=300)
@given(items=st.lists(_items(), max_size=4))
def test_the_hand_written_json_is_the_standard_encoders(items):
    expected = json.dumps([i.as_json() for i in items], indent=2, ensure_ascii=False) + "\n"
    assert due_json(items) == expected
