"""Terminal-safe text: the one function that turns text a person typed (or a file carried) into
text that can be shown on a terminal without acting on it.

Why here, in policies/: it is pure standard library, like the rest of this package, and policies/
is the bottom layer, so every layer above may import it without bending the one-way rule
(tests/test_layers.py): models/ for error messages that echo a value, screens/ for everything the
TUI draws, cin_tui/ for every line the `cin` command prints and the records it writes. It knows
nothing of Rich or Textual: screens/ wraps its result in a `rich.text.Text`, so the same text is
never parsed as markup either.

What is made visible, never emitted, each shown as the escape Python would write for it (as
`cin audit` and the import messages always showed them), so a reader can tell exactly which
character is stored:
- C0 control characters (U+0000-U+001F) and DEL (U+007F): ESC as "\\x1b", NUL as "\\x00", CR
  as "\\r", DEL as "\\x7f". A newline and a tab pass through only where several lines are
  allowed (`multiline=True`); elsewhere they show as "\\n" and "\\t".
- C1 control characters (U+0080-U+009F), e.g. U+009B (a one-byte CSI), shown as "\\x9b".
- Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the
  invisible direction marks (U+200E, U+200F, U+061C), which can make text read in another
  order than it is stored ("Trojan Source"), shown as "\\u202e".
- The line and paragraph separators (U+2028, U+2029), which some terminals and viewers treat as
  a new line, shown as "\\u2028"; and lone surrogates (which cannot be encoded and would stop
  the output), shown as "\\udc80".
Everything else, including accents, emoji and their joiners, passes through unchanged.
"""

from __future__ import annotations

import re

__all__ = ["UNSAFE_CODE_POINTS", "is_safe_text", "safe_text"]


_NAMED = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}


def _escape(code: int) -> str:
    if code in _NAMED:
        return _NAMED[code]
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in (*range(0x20), *range(0x7F, 0xA0)):
        table[code] = _escape(code)
    for code in (0x061C, 0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F),
                 *range(0x2066, 0x206A), *range(0xD800, 0xE000)):
        table[code] = _escape(code)
    return table


_SINGLE_LINE = _table()
_MULTILINE = {code: shown for code, shown in _SINGLE_LINE.items() if code not in (0x09, 0x0A)}

# Every code point safe_text replaces on a single line (tests use it as the definition).
UNSAFE_CODE_POINTS = frozenset(_SINGLE_LINE)


def safe_text(text: str, *, multiline: bool = False) -> str:
    """`text` with every control character, bidi override or isolate shown visibly (see the
    module docstring), so it cannot move the cursor, clear the screen, set the clipboard (OSC 52),
    change the title or reorder what is read. `multiline=True` keeps newlines and tabs (long text
    such as a child's voice or a note); a CR LF pair counts as one newline there."""
    if text.isascii() and text.isprintable():  # the usual case: nothing to do
        return text
    if multiline:
        return text.replace("\r\n", "\n").translate(_MULTILINE)
    return text.translate(_SINGLE_LINE)


def is_safe_text(text: str, *, multiline: bool = False) -> bool:
    """True when `safe_text` would return `text` unchanged."""
    allowed = (0x09, 0x0A) if multiline else ()
    return not any(ord(ch) in UNSAFE_CODE_POINTS and ord(ch) not in allowed for ch in text)


_JSON = {code: f"\\u{code:04x}" for code in _MULTILINE}
_JSON_UNSAFE = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_JSON)) + "]")


def safe_json(json_text: str) -> str:
    """JSON text (as `json.dumps(..., ensure_ascii=False)` writes it) with every character that
    `safe_text` would replace written as a `\\uXXXX` escape instead: the same JSON value, but
    nothing in it can act on a terminal. (The encoder already escapes C0 characters inside
    strings; C1 controls, DEL, bidi overrides and lone surrogates it leaves raw.)"""
    # One compiled search (C speed over tens of MB of `cin due --json`), replacing only what it
    # finds; DEL is ASCII, so "all ASCII" alone is not enough to skip it.
    return _JSON_UNSAFE.sub(_json_escape, json_text)


def _json_escape(found: re.Match[str]) -> str:
    return _JSON[ord(found.group())]
