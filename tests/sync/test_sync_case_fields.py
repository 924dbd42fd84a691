"""Every field of a case travels with `cin sync` (issue 14, after the census fields of issue
15): what the laptop adds or edits reaches the server, what the server has reaches the laptop.
The fields are derived from the cases table (models/sync_case_fields.py), so a column added to
it without a command to carry it fails here, not in a worker's lost census return."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from models.db import open_database, session_scope
from models.inputs import CaseInput
from models.service import CaseloadService
from models.sync_case_fields import (
    ADD_CARRIES,
    EDIT_CARRIES,
    case_changes,
    case_input,
    snapshot_keys,
)
from models.sync_changes import laptop_changes
from models.sync_snapshot import CASES, read_snapshot, store_snapshot
from policies.dates import parse_frequency

from .team import TODAY

# Set only by an import (or a pack's own event); no command changes them on a case that
# exists, so the sync keeps a laptop's change to them for the worker to see (unsendable).
IMPORT_ONLY = {"stepped_down_from", "stepped_down_on", "events"}
# The database's own: row ids, the version counter, when the row was written.
LOCAL = {"id", "worker_id", "version", "created_at", "updated_at"}
# A valid Unique Pupil Number (its check letter worked out by policies.census_codes, whose
# own tests check the DfE arithmetic): only the shape matters here.
UPN = "A123456789012"

EVERY_FIELD = CaseInput(
    ref="N9", name="Child N9", policy="wirral", allocated=date(2026, 11, 3),
    dob=date(2019, 5, 1), worker="Ann Lee", team="North", family="Moss family", disabled=True,
    private_fostering=True, visit_every=parse_frequency("4w"),
    assessment_completed=date(2026, 11, 10), plan_started=date(2026, 11, 12),
    complex_plan=True, key_worker_led=True, referral_date=date(2026, 10, 20),
    referral_source="2A", primary_need="N1", assessment_started=date(2026, 10, 22),
    assessment_factors=["1B", "1A"], plan_ended=date(2026, 11, 20), sex="F",
    ethnicity="WBRI", upn=UPN, disabilities=["MOB", "HAND"])


def _service(path: Path) -> CaseloadService:
    return CaseloadService(database=path, settings_dir=None, today=TODAY, actor="Ann Lee")


def _case(path: Path, ref: str) -> dict[str, Any]:
    engine = open_database(path)
    try:
        with session_scope(engine, write=False) as session:
            snapshot = read_snapshot(session, ref)
    finally:
        engine.dispose()
    assert snapshot is not None
    return {key: value for key, value in snapshot["case"].items() if key not in LOCAL}


def test_every_column_of_a_case_is_carried_by_a_command_or_named_here():
    # Compared with the table itself: a column added to cases must be carried by add-case
    # and edit-case (CaseInput, CaseChanges) or be named above, on purpose.
    columns = {column.name for column in CASES.columns}
    assert snapshot_keys() == (columns - LOCAL) | {"worker"}
    assert snapshot_keys() == EDIT_CARRIES | {"ref", "policy_id"} | IMPORT_ONLY
    assert {"ref", "policy_id"} == ADD_CARRIES - EDIT_CARRIES and EDIT_CARRIES <= ADD_CARRIES


def test_a_case_added_on_a_laptop_arrives_with_every_field(tmp_path):
    # A UPN and the reason it is unknown never go together: the second child has the reason.
    children = [EVERY_FIELD, replace(EVERY_FIELD, ref="N8", upn=None, upn_unknown="UN1")]
    laptop, server = tmp_path / "laptop.db", tmp_path / "server.db"
    given: set[str] = set()
    for child in children:
        with _service(laptop) as service:
            service.add_case(child)
        on_laptop = _case(laptop, child.ref)
        given |= {key for key in ADD_CARRIES if on_laptop[key] not in (None, False, [])}
        with _service(server) as service:  # the server's add, from the laptop's copy
            service.add_case(case_input(on_laptop))
        assert _case(server, child.ref) == on_laptop
    # Every field a worker can give had a value, so none can go missing unseen.
    assert given == ADD_CARRIES
    on_server = _case(server, "N9")
    assert (on_server["primary_need"], on_server["upn"]) == ("N1", UPN)
    assert on_server["assessment_factors"] == ["1A", "1B"]  # the census's own order
    assert _case(server, "N8")["upn_unknown"] == "UN1"


def test_every_editable_field_is_sent_by_an_edit(tmp_path):
    laptop, server = tmp_path / "laptop.db", tmp_path / "server.db"
    with _service(laptop) as service:
        service.add_case(EVERY_FIELD)
    with _service(server) as service:  # the same child as the server had it before
        service.add_case(CaseInput(ref="N9", name="Child", policy="wirral",
                                   allocated=date(2026, 11, 2), upn_unknown="UN1"))
    wanted = _case(laptop, "N9")
    before = _case(server, "N9")
    changed = {key: wanted[key] for key in EDIT_CARRIES if wanted[key] != before[key]}
    assert set(changed) == EDIT_CARRIES  # every one differs, so every one is tried
    with _service(server) as service:
        service.edit_case("N9", case_changes(changed))
    after = _case(server, "N9")
    assert {key: after[key] for key in EDIT_CARRIES} == {key: wanted[key] for key in
                                                         EDIT_CARRIES}


def test_the_server_copy_reaches_the_laptop_whole(tmp_path):
    server, laptop = tmp_path / "server.db", tmp_path / "laptop.db"
    with _service(server) as service:
        service.add_case(EVERY_FIELD)
    source = open_database(server)
    with session_scope(source, write=False) as session:
        snapshot = read_snapshot(session, "N9")
    source.dispose()
    assert snapshot is not None
    snapshot["case"].update(stepped_down_from="early_help", stepped_down_on="2026-11-01",
                            events={"safety_plan_agreed": "2026-11-04"})
    replica = open_database(laptop)
    with session_scope(replica) as session:
        store_snapshot(session, snapshot)
    replica.dispose()
    # Fetching copies every column, the import-only ones too.
    assert _case(laptop, "N9") == {key: value for key, value in snapshot["case"].items()
                                   if key not in LOCAL}


def test_an_import_only_field_on_a_new_case_is_kept_for_the_worker_not_lost(tmp_path):
    laptop = tmp_path / "laptop.db"
    with _service(laptop) as service:
        service.add_case(EVERY_FIELD)
    engine = open_database(laptop)
    with session_scope(engine, write=False) as session:
        snapshot = read_snapshot(session, "N9")
    engine.dispose()
    assert snapshot is not None
    snapshot["case"]["stepped_down_on"] = "2026-11-01"  # as an import into the replica sets it
    changes = laptop_changes(None, snapshot)
    assert [change.kind for change in changes] == ["add_case", "unsendable"]
    assert changes[1].summary() == "N9: the case's stepped down on changed outside cin's forms"
