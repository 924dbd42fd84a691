"""Hostile text for the reliability tests: terminal escapes (OSC 52 clipboard writes, screen
clears), C0/C1 controls and NUL, bidi overrides and isolates, line separators, Rich/Textual
markup, HTML and Markdown injection, spreadsheet formulas, and very long strings, mixed with
ordinary names. One strategy, shared by the import, form and output tests."""

from __future__ import annotations

from hypothesis import strategies as st

FRAGMENTS = [
    "\x1b]52;c;aGFja2Vk\x07", "\x1b]0;title\x07", "\x1b[2J", "\x1b[H", "\x1b[31m", "\x1bP", "\x00",
    "\x07", "\x08", "\r", "\r\n", "\n", "\t", "\x7f", "\x85", "\x9b", "\x9d", "\u202e", "\u202d",
    "\u2066", "\u2067", "\u2069", "\u200f", "\u2028", "[/b]", "[/i]", "[bold]", "[link=https://x]",
    "[@click=app.quit]", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&lt;",
    "[x](javascript:alert(1))", "![i](http://x/i.png)", "`", "*", "_", "#", "|", "\\", "'", '"',
    "=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "'=x",
    "Amy", "O'Brien", "Zoë", "😀\u200d👍",
]

HOSTILE = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=6), min_size=1, max_size=8).map("".join),
    st.sampled_from(FRAGMENTS).map(lambda fragment: "x" * 3000 + fragment),  # very long
).filter(lambda text: not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text))  # SQLite's UTF-8

# Text a worker may really type that still means something to a terminal, Rich, a browser or a
# spreadsheet, but holds no control character: it must be accepted and stored exactly.
TRICKY = st.lists(
    st.sampled_from([f for f in FRAGMENTS if f.isprintable()]), min_size=1, max_size=6
).map("".join)

# Either: a field given hostile text is refused; given tricky text, kept exactly.
TEXT_FIELD = st.one_of(HOSTILE, TRICKY, TRICKY)
