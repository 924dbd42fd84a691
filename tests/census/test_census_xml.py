"""The census XML codec: the validator's fixtures read and write back, problems are located,
hostile files are refused without a traceback."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cin_tui.formats import census_xml_read
from cin_tui.formats.census_xml import (
    CensusFileError,
    CensusReturn,
    ChildIdentifiers,
    looks_like_census,
    read_census,
    write_census,
)

from .conftest import DATA


def child_xml(child_id: str, *episodes: str, extra: str = "") -> str:
    episodes = episodes or (episode(),)
    return (f"<Child><ChildIdentifiers><LAchildID>{child_id}</LAchildID>"
            f"<PersonBirthDate>2015-06-01</PersonBirthDate><Sex>F</Sex>{extra}"
            "</ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity>"
            "</ChildCharacteristics>" + "".join(episodes) + "</Child>")


def episode(referral: str = "2025-06-02", inner: str = "") -> str:
    return (f"<CINdetails><CINreferralDate>{referral}</CINreferralDate>"
            f"<ReferralSource>1A</ReferralSource>{inner}<ReferralNFA>false</ReferralNFA>"
            "</CINdetails>")


def message(*children: str, header: str = "") -> bytes:
    return (f"<?xml version='1.0' encoding='UTF-8'?><Message>{header}<Children>"
            + "".join(children) + "</Children></Message>").encode()


def problems_of(data: bytes) -> list[str]:
    with pytest.raises(CensusFileError) as raised:
        read_census(data)
    return [problem.render("return.xml") for problem in raised.value.problems]


def test_the_2026_fixture_reads_with_every_block(census_fixture: dict[str, Path]) -> None:
    read = read_census(census_fixture["2026"].read_bytes())
    header = read.census.header
    assert (header.collection, header.year, header.reference_date, header.lea) == (
        "CIN", 2023, date(2024, 3, 31), "201")
    assert header.serial_no == "001"  # digits kept as written, leading zeros too
    assert header.date_time == datetime(2023, 5, 23, 11, 14, 5)
    first, second = read.census.children
    assert first.identifiers.la_child_id == "DfEX0000001"
    assert first.identifiers.sex == "1"  # a wrong code still reads: the importer refuses it
    assert first.characteristics.disabilities == ("HAND", "HEAR")
    (details,) = first.episodes
    assert details.closure_reason == "RC1"
    assert details.referral_nfa is False  # written 0 in the file
    assert details.assessments[0].factors == ("1C", "RB", "6B")
    assert details.section47s[0].icpc_not_required is False
    assert details.protection_plans[0].previous_plans == 10
    assert details.protection_plans[0].reviews == (date(2023, 2, 15),)
    assert details.pre_proceedings[0].review_meetings == 3
    assert details.pre_proceedings[0].outcome == "A"
    # <FactorsIdentifiedAtAssessment/> is empty, not absent: the validator's rule 8897Q sees it.
    assert second.episodes[0].assessments[0].factors == ()
    assert second.characteristics.disabilities == ("NONE",)
    # The stray word after <UPNunknown> is ignored, and said so.
    assert [warning.render("f") for warning in read.warnings] == [
        "f:child 1 (LAchildID DfEX0000001):ChildIdentifiers: text between elements ignored: "
        "'PersonBirthDate'"]


@pytest.mark.parametrize("year", ["2024", "2026"])
def test_writing_what_was_read_reads_back_the_same(census_fixture: dict[str, Path],
                                                   year: str) -> None:
    census = read_census(census_fixture[year].read_bytes()).census
    written = write_census(census)
    again = read_census(written)
    assert again.census == census
    assert again.warnings == ()  # the stray text is not written back
    assert write_census(again.census) == written


@pytest.mark.parametrize("year", ["2024", "2026"])
def test_the_validator_finds_the_same_child_level_problems_in_the_written_file(
        census_validator: ModuleType, census_fixture: dict[str, Path], year: str,
        tmp_path: Path) -> None:
    original = census_fixture[year]
    written = tmp_path / "written.xml"
    written.write_bytes(write_census(read_census(original.read_bytes()).census))

    def findings(path: Path) -> Counter[tuple[str, str, str, str]]:
        report = census_validator.run(path)
        assert report.crashed == ()
        return Counter((f.rule, f.child, f.table, f.field) for f in report.child_level)

    before = findings(original)
    assert before  # the fixtures are meant to fail: something to compare
    assert findings(written) == before


def test_gender_current_is_read_as_sex_and_written_as_sex() -> None:
    old = message(child_xml("A1").replace("<Sex>F</Sex>", "<GenderCurrent>2</GenderCurrent>"))
    census = read_census(old).census
    assert census.children[0].identifiers.sex == "2"
    written = write_census(census).decode()
    assert "<Sex>2</Sex>" in written and "GenderCurrent" not in written


def test_every_problem_is_reported_with_its_child_block_and_field() -> None:
    data = message(
        child_xml("A1"),
        child_xml("A2", extra="<Sex>M</Sex>"),
        child_xml("X", episode(), episode("31/02/2026"),
                  extra="<PersonDeathDate>2025-13-01</PersonDeathDate>"),
        "<Child><ChildIdentifiers/><Shoe>9</Shoe>" + episode() + "</Child>",
    )
    assert problems_of(data) == [
        "return.xml:child 2 (LAchildID A2):ChildIdentifiers, Sex: appears 2 times; at most "
        "once is accepted",
        "return.xml:child 3 (LAchildID X):ChildIdentifiers, PersonDeathDate: '2025-13-01' is "
        "not a date (YYYY-MM-DD)",
        "return.xml:child 3 (LAchildID X):CINdetails 2, CINreferralDate: '31/02/2026' is not "
        "a date (YYYY-MM-DD)",
        "return.xml:child 4:Shoe: is not an element of the census here; accepted: "
        "ChildIdentifiers, ChildCharacteristics, CINdetails",
        "return.xml:child 4:ChildIdentifiers, LAchildID: is missing; text is needed",
    ]


def test_the_header_values_are_checked_too() -> None:
    header = ("<Header><CollectionDetails><Collection>CIN</Collection><Year>26</Year>"
              "<ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails><Source><LEA>201</LEA>"
              "<DateTime>yesterday</DateTime></Source></Header>")
    assert problems_of(message(child_xml("A1"), header=header)) == [
        "return.xml:Header:CollectionDetails, Year: '26' is not a year (YYYY)",
        "return.xml:Header:Source, DateTime: 'yesterday' is not a date and time "
        "(YYYY-MM-DDThh:mm:ss)",
    ]


@pytest.mark.parametrize(("data", "expected"), [
    (b"<Message><Children>", "return.xml:line 1: is not well-formed XML at column 20 "
     "(no element found)"),
    (b"<Return/>", "return.xml:file: starts with <Return>; a census return starts with "
     "<Message>"),
    (b"<Message><Header/></Message>", "return.xml:Message:Children: is missing; a return "
     "lists its children"),
    ("<Message><Children/></Message>".encode("cp1252") + b"\xe9",
     "return.xml:file: is not UTF-8 text (byte 31 cannot be read); save it as UTF-8"),
    (b'<!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
     b"<Message><Children>&b;</Children></Message>",
     "return.xml:file: has a DOCTYPE or ENTITY declaration; a census return has none, and "
     "they are refused for safety"),
    (b'<!DOCTYPE m SYSTEM "file:///etc/passwd"><Message/>',
     "return.xml:file: has a DOCTYPE or ENTITY declaration; a census return has none, and "
     "they are refused for safety"),
    (message(child_xml("A" * 201)), "return.xml:child 1 (LAchildID AAAAAAAAAAAAAAAAAAAAAAAAAAAA"
     "AAAAAAAAAAAA...):ChildIdentifiers, LAchildID: is 201 characters long; at most 200 are "
     "accepted"),
    (message("<Child><ChildIdentifiers><LAchildID>A1</LAchildID></ChildIdentifiers></Child>"),
     "return.xml:child 1 (LAchildID A1):CINdetails: is missing; every child has at least one "
     "episode (CINdetails)"),
])
def test_unreadable_files_say_where_and_why(data: bytes, expected: str) -> None:
    assert problems_of(data) == [expected]


def test_a_file_over_the_size_limit_is_refused_before_parsing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(census_xml_read, "MAX_FILE_BYTES", 100)
    assert problems_of(message(child_xml("A1"))) == [
        f"return.xml:file: is {len(message(child_xml('A1'))):,} bytes; a census return may be "
        "at most 100"]


def test_utf16_with_its_mark_reads() -> None:
    data = message(child_xml("Zoë")).decode().replace("UTF-8", "UTF-16").encode("utf-16")
    assert read_census(data).census.children[0].identifiers.la_child_id == "Zoë"


def test_a_value_xml_cannot_carry_is_refused_on_writing_with_its_place() -> None:
    census = read_census(message(child_xml("A1"))).census
    child = census.children[0]
    bad = CensusReturn(census.header, (child.__class__(
        ChildIdentifiers("A\x1b[2J1"), child.characteristics, child.episodes),))
    with pytest.raises(CensusFileError) as raised:
        write_census(bad)
    assert [problem.render("out.xml") for problem in raised.value.problems] == [
        "out.xml:child 1 (LAchildID A\\x1b[2J1):ChildIdentifiers, LAchildID: 'A\\x1b[2J1' holds "
        "a character an XML file cannot carry (a control character)"]


def test_a_return_is_recognised_by_its_content() -> None:
    assert looks_like_census((DATA / "CIN_Census_2024.xml").read_bytes())
    assert looks_like_census(b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- made by X -->\n<Message>")
    assert not looks_like_census(b'{"cases": []}')
    assert not looks_like_census(b"<Messages></Messages>")


# Text a worker or another system could put in a value: anything XML 1.0 can carry.
xml_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    min_size=1, max_size=60).map(str.strip).filter(bool)


@given(child_id=xml_text, code=xml_text)
def test_any_text_a_value_can_hold_survives_writing_and_reading(child_id: str,
                                                                code: str) -> None:
    census = read_census(message(child_xml("A1"))).census
    child = census.children[0]
    changed = CensusReturn(census.header, (child.__class__(
        ChildIdentifiers(child_id, upn_unknown=code), child.characteristics,
        child.episodes),))
    assert read_census(write_census(changed)).census == changed


@given(st.binary(max_size=300))
def test_any_bytes_read_or_are_refused_without_a_traceback(data: bytes) -> None:
    try:
        read_census(data)
    except CensusFileError as refused:
        assert refused.problems


@given(position=st.integers(min_value=0), cut=st.integers(min_value=0, max_value=40),
       insert=st.text(max_size=20))
def test_a_damaged_fixture_reads_or_is_refused_without_a_traceback(
        position: int, cut: int, insert: str) -> None:
    text = (DATA / "CIN_Census_2026.xml").read_text()
    position %= len(text)
    damaged = (text[:position] + insert + text[position + cut:]).encode()
    try:
        read_census(damaged)
    except CensusFileError as refused:
        assert all(problem.message for problem in refused.problems)
