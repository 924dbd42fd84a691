"""Writing a census return: CensusReturn -> UTF-8 XML bytes, elements in the schema's order.

`Sex` is written (the 2024-25 name), never `GenderCurrent`; booleans as "true"/"false"; empty
optional values are left out. A value XML cannot hold (a control character) or longer than the
reader accepts is refused with its place, so what is written always reads back.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import fields

from cin_tui.formats.census_xml_model import CensusReturn
from cin_tui.formats.census_xml_read import MAX_VALUE_CHARS, CensusFileError, shown
from cin_tui.formats.census_xml_spec import (
    CHILD,
    HEADER,
    Block,
    Group,
    Leaf,
    Value,
    Values,
    format_value,
)
from cin_tui.formats.fields import Problem


def _xml_char(code: int) -> bool:
    """XML 1.0's Char production."""
    return (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF)


class Writer:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def text(self, parent: ET.Element, tag: str, value: Value, record: str,
             where: list[str]) -> None:
        text = format_value(value)
        spot = ", ".join([*where, tag])
        if any(not _xml_char(ord(character)) for character in text):
            self.problems.append(Problem(record, spot, f"{shown(text)} holds a character an XML "
                                         "file cannot carry (a control character)"))
        elif text != text.strip() or not text:
            self.problems.append(Problem(record, spot, f"{shown(text)} is empty or begins or "
                                         "ends with spaces, which a reader would drop"))
        elif len(text) > MAX_VALUE_CHARS:
            self.problems.append(Problem(record, spot, f"is {len(text):,} characters long; at "
                                         f"most {MAX_VALUE_CHARS} can be written"))
        ET.SubElement(parent, tag).text = text

    def block(self, parent: ET.Element, tag: str, block: Block, item: object, record: str,
              where: list[str]) -> None:
        element = ET.SubElement(parent, tag)
        for part in block.parts:
            if isinstance(part, Group):
                if any(getattr(item, leaf.field) is not None for leaf in part.parts):
                    group = ET.SubElement(element, part.tag)
                    self.leaves(group, part.parts, item, record, [*where, part.tag])
            elif isinstance(part, Leaf):
                self.leaves(element, (part,), item, record, where)
            elif isinstance(part, Values):
                values = getattr(item, part.field)
                if values is None or (not values and not part.none_when_absent):
                    continue
                wrapper = ET.SubElement(element, part.tag)
                for value in values:
                    self.text(wrapper, part.item, value, record, [*where, part.tag])
            elif part.many:
                for number, inner in enumerate(getattr(item, part.field), start=1):
                    self.block(element, part.tag, part.block, inner, record,
                               [*where, f"{part.tag} {number}"])
            else:
                self.block(element, part.tag, part.block, getattr(item, part.field), record,
                           [*where, part.tag])

    def leaves(self, element: ET.Element, leaves: tuple[Leaf, ...], item: object, record: str,
               where: list[str]) -> None:
        for leaf in leaves:
            value = getattr(item, leaf.field)
            if value is not None:
                self.text(element, leaf.tag, value, record, where)


def write_census(census: CensusReturn) -> bytes:
    """The return as an XML document; CensusFileError listing every value that cannot be
    written."""
    writer = Writer()
    message = ET.Element("Message")
    header = census.header
    if any(getattr(header, field.name) is not None for field in fields(header)):
        writer.block(message, "Header", HEADER, header, "Header", [])
    children = ET.SubElement(message, "Children")
    for number, child in enumerate(census.children, start=1):
        record = f"child {number} (LAchildID {shown(child.identifiers.la_child_id)[1:-1]})"
        writer.block(children, "Child", CHILD, child, record, [])
    if writer.problems:
        raise CensusFileError(writer.problems)
    ET.indent(message, space="  ")
    document = ET.tostring(message, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + document + "\n").encode("utf-8")
