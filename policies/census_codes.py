"""The DfE Children in Need census code lists (policies/census_codes.toml), and the checks on
a Unique Pupil Number.

Pure data and arithmetic: the models check a case against these lists, the forms offer them
as choices in words, the formats and the case screen show a code with its words.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any

from policies.dates import format_date


@dataclass(frozen=True, slots=True)
class CodeList:
    """One census code list: `codes` maps each code to its words, in the census's order."""

    name: str   # the key in census_codes.toml: "primary_need"
    what: str   # how a message names one: "primary need"
    codes: dict[str, str]
    place: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "place", {code: i for i, code in enumerate(self.codes)})

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def __iter__(self) -> Iterator[str]:
        return iter(self.codes)

    def words(self, code: str) -> str:
        """ "N1 (Abuse or neglect)"; a code not in the list as it is."""
        found = self.codes.get(code)
        return f"{code} ({found})" if found is not None else code

    def accepted(self) -> str:
        """The codes in a message: "N0 to N9" for a numbered run, else each one."""
        codes = list(self.codes)
        numbered = [re.fullmatch(r"([A-Z]+)(\d+)", code) for code in codes]
        if all(numbered):
            prefixes = {m.group(1) for m in numbered if m}
            numbers = sorted(int(m.group(2)) for m in numbered if m)
            if len(prefixes) == 1 and numbers == list(range(numbers[0], numbers[-1] + 1)):
                prefix = prefixes.pop()
                return f"{prefix}{numbers[0]} to {prefix}{numbers[-1]}"
        return ", ".join(codes)

    def ordered(self, codes: Iterable[str]) -> list[str]:
        """`codes` in the list's own order (codes not in it last, as given): a set of codes is
        stored and compared one way, however it was typed or ticked."""
        place, last = self.place, len(self.place)
        return sorted(codes, key=lambda code: place.get(code, last))

    def choices(self) -> list[tuple[str, str]]:
        """(label, code) pairs for a Select: "N1 Abuse or neglect"."""
        return [(f"{code} {words}", code) for code, words in self.codes.items()]


def normalise_code(text: str) -> str:
    """A code as the census writes it: "n1 " is N1, "un3" is UN3."""
    return text.strip().upper()


def split_codes(text: str) -> list[str]:
    """Codes typed in one line, separated by commas, semicolons or spaces: "mob, HAND"."""
    return [normalise_code(code) for code in re.split(r"[,;\s]+", text) if code]


def _load() -> dict[str, CodeList]:
    data = tomllib.loads(
        resources.files("policies").joinpath("census_codes.toml").read_text(encoding="utf-8"))
    names = {"referral_source": "referral source", "primary_need": "primary need",
             "ethnicity": "ethnicity", "disability": "disability code",
             "assessment_factor": "assessment factor", "closure_reason": "closure reason",
             "sex": "sex", "upn_unknown": "UPN unknown reason"}
    return {key: CodeList(key, names[key], {str(c): str(w) for c, w in table.items()})
            for key, table in data.items()}


_LISTS = _load()
REFERRAL_SOURCES: CodeList = _LISTS["referral_source"]
PRIMARY_NEEDS: CodeList = _LISTS["primary_need"]
ETHNICITIES: CodeList = _LISTS["ethnicity"]
DISABILITIES: CodeList = _LISTS["disability"]
ASSESSMENT_FACTORS: CodeList = _LISTS["assessment_factor"]
CLOSURE_REASONS: CodeList = _LISTS["closure_reason"]
SEXES: CodeList = _LISTS["sex"]
UPN_UNKNOWN_REASONS: CodeList = _LISTS["upn_unknown"]

NO_DISABILITY = "NONE"
NO_FACTORS = "21"  # "No factors identified": census rule 8869, never with another factor


def disabled_from(codes: Iterable[str]) -> bool | None:
    """What disability codes say of the case's `disabled` flag: true when any code but NONE
    is given, false for NONE alone, None when no code is given (the flag then stands on its
    own, as it did before the codes were recorded)."""
    given = list(codes)
    if not given:
        return None
    return any(code != NO_DISABILITY for code in given)


def census_facts(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A case's census fields (`values`: the stored case's names, lists as lists) as
    (label, words) lines for the case screen and `cin explain`; fields not recorded are left
    out."""
    def day(name: str) -> str | None:
        when = values.get(name)
        return format_date(when) if isinstance(when, date) else None

    def coded(codes: CodeList, name: str) -> str | None:
        code = values.get(name)
        return codes.words(code) if code else None

    def listed(codes: CodeList, name: str) -> str | None:
        given = values.get(name) or []
        return "; ".join(codes.words(code) for code in given) or None

    referral = day("referral_date")
    source = coded(REFERRAL_SOURCES, "referral_source")
    if source is not None:
        referral = f"{referral or 'date not recorded'}, from {source}"
    upn = values.get("upn") or coded(UPN_UNKNOWN_REASONS, "upn_unknown")
    lines = [
        ("Referral", referral),
        ("Primary need", coded(PRIMARY_NEEDS, "primary_need")),
        ("Assessment start", day("assessment_started")),
        ("Assessment factors", listed(ASSESSMENT_FACTORS, "assessment_factors")),
        ("Plan ended", day("plan_ended")),
        ("Sex", coded(SEXES, "sex")),
        ("Ethnicity", coded(ETHNICITIES, "ethnicity")),
        ("UPN", upn if values.get("upn") else upn and f"unknown: {upn}"),
        ("Disability codes", listed(DISABILITIES, "disabilities")),
    ]
    return [(label, words) for label, words in lines if words]


# --- Unique Pupil Numbers -------------------------------------------------------------------

# The DfE's UPN guide: a check letter, 11 digits, and a 13th character that is a digit (a
# permanent UPN) or a letter (a temporary one). The check letter is the sum of characters 2-13,
# each times its position, modulo 23, written in this alphabet (no I, O or S); a letter in
# position 13 counts as its place in the same alphabet. CIN census rule 1510 checks the letter.
UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_SHAPE = re.compile(rf"[{UPN_ALPHABET}]\d{{11}}[0-9{UPN_ALPHABET}]")


def upn_check_letter(upn: str) -> str:
    """The check letter for a UPN's characters 2 to 13 (the first is ignored)."""
    total = 0
    for position in range(2, 14):
        char = upn[position - 1]
        value = int(char) if char.isdigit() else UPN_ALPHABET.index(char)
        total += value * position
    return UPN_ALPHABET[total % 23]


def upn_problem(upn: str) -> str | None:
    """What is wrong with a UPN as written (None: it is one), in words for a message."""
    if len(upn) != 13:
        return (f"is {len(upn)} characters long; a UPN is 13: a check letter, 11 digits, then "
                "a digit or (a temporary UPN) a letter")
    if not _UPN_SHAPE.fullmatch(upn):
        return ("is not a UPN: a check letter, 11 digits, then a digit or (a temporary UPN) a "
                f"letter; the letters used are {UPN_ALPHABET} (no I, O or S)")
    expected = upn_check_letter(upn)
    if upn[0] != expected:
        return (f"has the check letter {upn[0]}, but its digits give {expected}; check each "
                "character (CIN census rule 1510)")
    return None
