"""A case copied into a replica is the case, whatever its text holds (no server needed): a
snapshot read, stored in another database and read back is the same snapshot, and a change
kept as JSON (a refusal) comes back the same."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.db import open_database, session_scope
from models.inputs import CaseInput, VisitInput
from models.service import CaseloadService
from models.sync_changes import Change, laptop_changes
from models.sync_snapshot import read_snapshot, store_snapshot

from .team import TODAY

# Any text a database may hold (written there by psql, past cin's checks): control
# characters, escape sequences, markup, right-to-left overrides, emoji; no NUL (PostgreSQL
# text cannot hold one either).
ANY_TEXT = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
                   max_size=40)


def _source(folder: Path) -> Path:
    path = folder / "source.db"
    if not path.exists():
        with CaseloadService(database=path, settings_dir=None, today=TODAY,
                             actor="test") as service:
            service.add_case(CaseInput(ref="N1", name="Child", policy="wirral",
                                       allocated=date(2026, 11, 2), worker="Ann Lee",
                                       team="North"))
            service.log_visit("N1", VisitInput(date=date(2026, 11, 9), seen=True,
                                               seen_alone=True, childs_voice="Fine",
                                               location="home"))
            service.book_meeting(ref="N1", kind="review", date=date(2026, 12, 10))
    return path


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(voice=ANY_TEXT, family=ANY_TEXT, chair=ANY_TEXT)
def test_a_snapshot_stored_and_read_back_is_the_same(tmp_path, voice, family, chair):
    source = open_database(_source(tmp_path))
    with session_scope(source, write=False) as session:
        snapshot = read_snapshot(session, "N1")
    source.dispose()
    assert snapshot is not None
    snapshot["case"]["family"] = family
    [visit] = snapshot["visits"].values()
    visit["childs_voice"] = voice
    [meeting] = snapshot["meetings"].values()
    meeting["chair"] = chair
    replica = open_database(tmp_path / "replica.db")
    try:
        for _ in range(2):  # the second time replaces the first copy
            with session_scope(replica) as session:
                store_snapshot(session, snapshot)
        with session_scope(replica, write=False) as session:
            again = read_snapshot(session, "N1")
    finally:
        replica.dispose()
    assert again == snapshot
    assert laptop_changes(snapshot, again) == []  # nothing recorded: nothing to send


@given(values=st.dictionaries(st.sampled_from(["childs_voice", "family", "reason"]), ANY_TEXT))
def test_a_change_kept_as_json_comes_back_the_same(values):
    change = Change("visit", "N1", "5f0c-uid", values, {"childs_voice": None})
    assert Change.from_json(change.as_json()) == change
    assert change.key == "visit:N1:5f0c-uid"

