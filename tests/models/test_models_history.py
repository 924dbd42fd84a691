"""The history's words for corrections (models/history.py): what a record said before each
change, as the case screen and `cin history` show it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.history import FIELD_WORDS, changed_words, correction_sentence, value_words
from models.queries import CorrectionRecord

pytestmark = pytest.mark.no_database(
    "puts a history's records into words: no database is opened")

VISIT_FIELDS = ("date", "seen", "seen_alone", "childs_voice", "location", "recorded")
# Text without ";": the test splits the sentence where a reader does, at "; " (free text such
# as the child's voice is also in quotes on screen, which is what tells a reader it apart).
values = st.one_of(st.none(), st.booleans(), st.dates(date(1991, 10, 14), date(2030, 1, 1))
                   .map(date.isoformat),
                   st.text(st.characters(blacklist_characters=";"), min_size=1, max_size=20))
records = st.fixed_dictionaries({field: values for field in VISIT_FIELDS})


def correction(action: str, before, after, record_type: str = "visit") -> CorrectionRecord:
    return CorrectionRecord(uid="u", record_type=record_type, record_uid="r", action=action,
                            recorded=date(2026, 11, 23), at=datetime(2026, 11, 23, tzinfo=UTC),
                            actor="Jo King", reason="typed the wrong day", before=before,
                            after=after)


@given(records, records)
def test_each_changed_field_is_said_once_with_its_old_value(before, after):
    said = changed_words(before, after)
    changed = [f for f in VISIT_FIELDS if before[f] != after[f]]
    parts = said.split("; ") if said else []
    assert len(parts) == len(changed)
    for part, field in zip(parts, [f for f in FIELD_WORDS if f in changed], strict=True):
        assert part == f"{FIELD_WORDS[field]} was {value_words(field, before[field])}"


def test_a_corrected_visit_in_words():
    before = {"date": "2026-11-04", "seen_alone": False, "childs_voice": None}
    after = {"date": "2026-11-03", "seen_alone": True, "childs_voice": "Happy"}
    assert correction_sentence(correction("corrected", before, after)) == (
        "Visit of 3 Nov 2026 corrected on 23 Nov 2026 by Jo King: date was 4 Nov 2026; seen "
        "alone was no; child's voice was not recorded; typed the wrong day")


def test_a_reopening_and_a_withdrawal_in_words():
    closed = {"date": "2026-11-02", "reason": "RC8"}
    assert correction_sentence(correction("reopened", closed, None, "closure")) == (
        "Closed 2 Nov 2026 (RC8); reopened on 23 Nov 2026 by Jo King: typed the wrong day")
    meeting = {"kind": "family_network", "date": "2026-11-10", "withdrawn_on": "2026-11-23"}
    assert correction_sentence(correction("withdrawn", None, meeting, "meeting")) == (
        "Family network meeting of 10 Nov 2026 withdrawn on 23 Nov 2026 by Jo King: typed the "
        "wrong day")
