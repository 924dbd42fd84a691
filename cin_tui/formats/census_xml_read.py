"""Reading a census return: bytes -> CensusReturn, or every located problem at once.

Safe against hostile files: a size limit, UTF-8 (or UTF-16 with its mark) only, no DOCTYPE (so
no entities, internal or external), a length limit on every value, and never a traceback: each
problem says where it is ("child 3 (LAchildID X)", "CINdetails 2, CINreferralDate") and what
would be accepted. Element order is not checked (the writer restores the schema's); an element
the census does not have is refused, so nothing in a file is silently dropped, except text
between elements, which the census never holds: that is ignored with a warning.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from cin_tui.formats.census_xml_model import CensusHeader, CensusReturn
from cin_tui.formats.census_xml_spec import (
    CHILD,
    EXPECTED,
    HEADER,
    Block,
    Group,
    Leaf,
    Nested,
    Values,
    parse_value,
)
from cin_tui.formats.fields import Problem
from policies.safe_text import safe_text

MAX_FILE_BYTES = 64 * 1024 * 1024   # a large authority's return is a few megabytes
MAX_VALUE_CHARS = 200               # the longest census value (SoftwareCode, Release) is short
SHOWN_CHARS = 40
SYNONYMS = {"GenderCurrent": "Sex"}  # the element `Sex` replaced in 2024-25
_DOCTYPE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CensusRead:
    census: CensusReturn
    warnings: tuple[Problem, ...]    # what was ignored (text between elements)


class CensusFileError(Exception):
    """The file is not a readable census return; `problems` lists every reason, located."""

    def __init__(self, problems: list[Problem], warnings: tuple[Problem, ...] = ()) -> None:
        super().__init__("\n".join(problem.render("") for problem in problems))
        self.problems = tuple(problems)
        self.warnings = warnings


def shown(text: str) -> str:
    """A value from the file, quoted as a message shows it: control characters made visible
    and long values cut."""
    cut = text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "..."
    return "'" + safe_text(cut) + "'"


def local(tag: object) -> str:
    """An element's name without a namespace; comments and processing instructions are ''."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def decode(data: bytes) -> str:
    """The file's text. The XML declaration's encoding is not trusted: census files are UTF-8;
    UTF-16 is accepted when it starts with its byte order mark."""
    if len(data) > MAX_FILE_BYTES:
        raise CensusFileError([Problem("file", "", f"is {len(data):,} bytes; a census return "
                                       f"may be at most {MAX_FILE_BYTES:,}")])
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise CensusFileError([Problem("file", "", f"is not UTF-8 text (byte {problem.start + 1} "
                                       "cannot be read); save it as UTF-8")]) from None


def parse_tree(text: str) -> ET.Element:
    if _DOCTYPE.search(text):
        raise CensusFileError([Problem("file", "", "has a DOCTYPE or ENTITY declaration; a "
                                       "census return has none, and they are refused for safety")])
    try:
        return ET.fromstring(text, parser=ET.XMLParser())
    except ET.ParseError as problem:
        line, column = problem.position
        reason = str(problem).split(":")[0]
        raise CensusFileError([Problem(f"line {line}", "",
                                       f"is not well-formed XML at column {column + 1} "
                                       f"({reason})")]) from None


class Reader:
    """Walks the spec over an element tree, collecting problems instead of stopping."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def problem(self, record: str, where: list[str], message: str) -> None:
        self.problems.append(Problem(record, ", ".join(where), message))

    def stray_text(self, element: ET.Element, record: str, where: list[str]) -> None:
        pieces = [element.text or ""] + [child.tail or "" for child in element]
        stray = " ".join(piece.strip() for piece in pieces if piece.strip())
        if stray:
            self.warnings.append(Problem(record, ", ".join(where),
                                         f"text between elements ignored: {shown(stray)}"))

    def block(self, element: ET.Element, block: Block, record: str,
              where: list[str]) -> Any:
        """The block's dataclass, or None when a problem stops it being made."""
        known = {part.tag for part in block.parts}
        found: dict[str, list[ET.Element]] = {}
        for child in element:
            name = local(child.tag)
            if not name:
                continue
            if SYNONYMS.get(name) in known:
                name = SYNONYMS[name]
            if name not in known:
                self.problem(record, [*where, name],
                             "is not an element of the census here; accepted: "
                             + ", ".join(part.tag for part in block.parts))
                continue
            found.setdefault(name, []).append(child)
        self.stray_text(element, record, where)
        values: dict[str, object] = {}
        complete = True
        for part in block.parts:
            elements = found.get(part.tag, [])
            if isinstance(part, Nested) and part.many:
                items = [self.block(item, part.block, record, [*where, f"{part.tag} {number}"])
                         for number, item in enumerate(elements, start=1)]
                complete = complete and None not in items
                values[part.field] = tuple(items)
                continue
            if len(elements) > 1:
                self.problem(record, [*where, part.tag],
                             f"appears {len(elements)} times; at most once is accepted")
                complete = False
                continue
            one = elements[0] if elements else None
            if isinstance(part, Group):
                if one is not None:
                    values.update(self.group(one, part, record, [*where, part.tag]))
                continue
            if isinstance(part, Nested):
                if one is None:
                    one = ET.Element(part.tag)  # an absent single block reads as an empty one
                made = self.block(one, part.block, record, [*where, part.tag])
                complete = complete and made is not None
                values[part.field] = made
            elif isinstance(part, Values):
                values[part.field] = self.values(one, part, record, [*where, part.tag])
            else:
                value, good = self.leaf(one, part, record, [*where, part.tag])
                complete = complete and good
                values[part.field] = value
        if not complete:
            return None
        return block.cls(**values)

    def group(self, element: ET.Element, group: Group, record: str,
              where: list[str]) -> dict[str, object]:
        inner = Block(dict, group.parts)
        made = self.block(element, inner, record, where)
        return made if made is not None else {}

    def values(self, element: ET.Element | None, part: Values, record: str,
               where: list[str]) -> tuple[object, ...] | None:
        if element is None:
            return None if part.none_when_absent else ()
        self.stray_text(element, record, where)
        items: list[object] = []
        for number, child in enumerate(element, start=1):
            if not local(child.tag):
                continue
            spot = [*where, f"{part.item} {number}"]
            if local(child.tag) != part.item:
                self.problem(record, [*where, local(child.tag)],
                             f"is not an element of the census here; accepted: {part.item}")
                continue
            leaf = Leaf(part.item, part.field, part.kind, required=True)
            value, good = self.leaf(child, leaf, record, spot)
            if good:
                items.append(value)
        return tuple(items)

    def leaf(self, element: ET.Element | None, leaf: Leaf, record: str,
             where: list[str]) -> tuple[object, bool]:
        """The leaf's value (None when absent or empty) and whether it read without a problem."""
        if element is None:
            if leaf.required:
                self.problem(record, where, f"is missing; {EXPECTED[leaf.kind]} is needed")
            return None, not leaf.required
        if len(element):
            self.problem(record, where, "should hold a value, not other elements")
            return None, False
        text = (element.text or "").strip()
        if len(text) > MAX_VALUE_CHARS:
            self.problem(record, where, f"is {len(text):,} characters long; at most "
                         f"{MAX_VALUE_CHARS} are accepted")
            return None, False
        if not text:
            if leaf.required:
                self.problem(record, where, f"is empty; {EXPECTED[leaf.kind]} is needed")
            return None, not leaf.required
        try:
            return parse_value(leaf.kind, text), True
        except ValueError:
            self.problem(record, where, f"{shown(text)} is not {EXPECTED[leaf.kind]}")
            return None, False


def read_census(data: bytes) -> CensusRead:
    """A census return's content; CensusFileError with every problem when it cannot be read."""
    root = parse_tree(decode(data))
    reader = Reader()
    if local(root.tag) != "Message":
        raise CensusFileError([Problem("file", "", f"starts with <{safe_text(local(root.tag))}>; "
                                       "a census return starts with <Message>")])
    parts = {local(child.tag): child for child in root if local(child.tag)}
    for name in parts.keys() - {"Header", "Children"}:
        reader.problem("Message", [name], "is not an element of the census here; accepted: "
                       "Header, Children")
    header = CensusHeader()
    if "Header" in parts:
        header = reader.block(parts["Header"], HEADER, "Header", []) or header
    children = []
    if "Children" not in parts:
        reader.problem("Message", ["Children"], "is missing; a return lists its children")
    else:
        number = 0
        for element in parts["Children"]:
            if local(element.tag) != "Child":
                if local(element.tag):
                    reader.problem("Children", [local(element.tag)],
                                   "is not an element of the census here; accepted: Child")
                continue
            number += 1
            record = child_label(element, number)
            child = reader.block(element, CHILD, record, [])
            if child is not None and not child.episodes:
                reader.problem(record, ["CINdetails"], "is missing; every child has at least "
                               "one episode (CINdetails)")
            children.append(child)
    if reader.problems:
        raise CensusFileError(reader.problems, tuple(reader.warnings))
    return CensusRead(CensusReturn(header, tuple(children)), tuple(reader.warnings))


def child_label(element: ET.Element, number: int) -> str:
    """"child 3 (LAchildID X)", or "child 3" when it has none to show."""
    for identifiers in element:
        if local(identifiers.tag) == "ChildIdentifiers":
            for leaf in identifiers:
                text = (leaf.text or "").strip()
                if local(leaf.tag) == "LAchildID" and text and not len(leaf):
                    return f"child {number} (LAchildID {shown(text)[1:-1]})"
    return f"child {number}"
