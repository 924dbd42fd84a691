"""The DfE Children in Need census return (XML): read into typed dataclasses, written back.

Pure: files <-> census_xml_model's dataclasses, no database. The shape is in census_xml_spec.py,
the reading in census_xml_read.py, the writing in census_xml_write.py; docs/formats.md,
"National formats", describes the file.
"""

from __future__ import annotations

import re

from cin_tui.formats.census_xml_model import (
    Assessment,
    CensusChild,
    CensusHeader,
    CensusReturn,
    ChildCharacteristics,
    ChildIdentifiers,
    ChildProtectionPlan,
    CinDetails,
    CinPlanDates,
    PreProceedings,
    Section47,
)
from cin_tui.formats.census_xml_read import CensusFileError, CensusRead, read_census
from cin_tui.formats.census_xml_write import write_census

__all__ = [
    "Assessment", "CensusChild", "CensusFileError", "CensusHeader", "CensusRead",
    "CensusReturn", "ChildCharacteristics", "ChildIdentifiers", "ChildProtectionPlan",
    "CinDetails", "CinPlanDates", "PreProceedings", "Section47", "looks_like_census",
    "read_census", "write_census",
]

_START = re.compile(rb"\A(\xef\xbb\xbf)?\s*(<\?xml[^>]{0,200}\?>\s*)?(<!--.{0,2000}?-->\s*)*"
                    rb"<(\w+:)?Message[\s>]", re.DOTALL)


def looks_like_census(data: bytes) -> bool:
    """Whether a file's content is a census return (for `cin import` to recognise it by what it
    holds, whatever its name): XML whose first element is <Message>."""
    return _START.match(data[:4096]) is not None
