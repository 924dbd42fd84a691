"""The chronology's Markdown and HTML with hostile recorded text: nothing lost (each piece reads
back as recorded, control characters shown visibly), nothing injected (no markup, no table
break, no control sequence)."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from cin_tui.formats.chronology_format import render_html, render_markdown
from models.chronology import Chronology, ChronologyEntry
from policies.dates import format_date
from policies.safe_text import safe_text
from screens.supervision_record import md

TODAY = date(2026, 11, 23)
# Any text, weighted towards what Markdown, HTML and terminals read as instructions.
HOSTILE = st.text(alphabet=st.one_of(
    st.sampled_from(list("|\\*_`[]<>&#-+=~!()\"'\n\r\t\x1b\x00\x7f\u0085\u202e\u2066\u2028")),
    st.characters()), max_size=40)
ENTRIES = st.lists(st.builds(
    ChronologyEntry, when=st.dates(date(2020, 1, 1), date(2027, 12, 31)),
    what=HOSTILE.filter(lambda s: s.strip()), words=HOSTILE,
    withdrawn=st.none() | HOSTILE.filter(lambda s: s.strip())), max_size=5)
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# In HTML a tab is only white space (kept in multi-line text, as the supervision record does).
_HTML_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def chronology(entries: list[ChronologyEntry], name: str = "Test Child") -> Chronology:
    return Chronology(ref="C-1", name=name, worker="Sam Patel", team=None, authority="Wirral",
                      closed=False, names=(name,), entries=tuple(entries))


def unescape_markdown(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


@settings(max_examples=150, deadline=None)
@given(entries=ENTRIES, name=HOSTILE.filter(lambda s: s.strip()))
def test_markdown_keeps_every_word_and_one_table_row_per_event(entries, name):
    text = render_markdown(chronology(entries, name), today=TODAY)
    assert not _CONTROL.search(text)
    lines = text.split("\n")
    assert unescape_markdown(lines[0]) == f"# Chronology: C-1 {safe_text(name)}"
    rows = [line for line in lines if line.startswith("| ") and not line.startswith("| Date ")]
    assert len(rows) == len(entries)
    for row, entry in zip(rows, entries, strict=True):
        prefix = f"| {entry.when.day} "
        assert row.startswith(prefix) and row.endswith(" |")
        # Exactly four unescaped bars: the row's own three cells.
        assert len(re.findall(r"(?<!\\)(?:\\\\)*\|", row)) == 4
        cell = row.split(f" | {md(entry.what)} | ", 1)[1][:-2]
        expected = safe_text(entry.words)
        if entry.withdrawn is not None:
            assert cell.endswith(f" **{md(entry.withdrawn)}**")
            cell = cell[: -len(f" **{md(entry.withdrawn)}**")]
        assert unescape_markdown(cell) == expected


class _Cells(HTMLParser):
    """The text of each table cell, and every tag used."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.cells: list[str] = []
        self._cell: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "td":
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("<br>")

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@settings(max_examples=150, deadline=None)
@given(entries=ENTRIES, name=HOSTILE.filter(lambda s: s.strip()))
def test_html_escapes_every_word_and_reads_back_as_recorded(entries, name):
    page = render_html(chronology(entries, name), today=TODAY)
    assert not _HTML_CONTROL.search(page)
    parser = _Cells()
    parser.feed(page)
    parser.close()
    assert parser.tags <= {"html", "head", "meta", "title", "style", "body", "h1", "dl", "dt",
                           "dd", "p", "table", "thead", "tbody", "tr", "th", "td", "del",
                           "br", "strong"}
    assert len(parser.cells) == 3 * len(entries)
    for index, entry in enumerate(entries):
        when, what, words = parser.cells[3 * index: 3 * index + 3]
        assert when == format_date(entry.when)
        assert what == safe_text(entry.what, multiline=True)
        expected = safe_text(entry.words, multiline=True)
        if entry.withdrawn is not None:
            expected += "<br>" + safe_text(entry.withdrawn, multiline=True)
        assert words == expected
