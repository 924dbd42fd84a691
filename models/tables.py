"""The database tables (SQLModel, table=True).

The schema itself is created and changed only by the Alembic migrations in
`models/migrations/versions/`; these classes describe it for queries and for Alembic's
`target_metadata`. If you change a table here, add a migration.

Dates are calendar dates (`date`), stored by SQLite as ISO text. Timestamps (`created_at`,
`updated_at`, `AuditEntry.at`) are UTC, stored without a zone.
"""

from __future__ import annotations

import os
from datetime import date as Date
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Integer, Table, inspect
from sqlmodel import Field, SQLModel


def new_uid() -> str:
    """A random (version 4) UUID as text; as `str(uuid.uuid4())`, a few times faster, which
    counts when an import gives identities to hundreds of thousands of records."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def table_of(model: type[SQLModel]) -> Table:
    """The Core `Table` of a table model: its `__table__`, which SQLModel's metaclass sets but
    its type stubs do not declare."""
    table = inspect(model).local_table
    assert isinstance(table, Table)
    return table


def _json_column() -> Any:
    return Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))


class Worker(SQLModel, table=True):
    __tablename__ = "workers"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    team: str | None = None


class Case(SQLModel, table=True):
    __tablename__ = "cases"

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(unique=True, index=True)
    name: str
    dob: Date | None = None
    worker_id: int | None = Field(default=None, foreign_key="workers.id", index=True)
    team: str | None = None
    policy_id: str
    family: str | None = Field(default=None, index=True)  # sibling group key
    disabled: bool = False
    private_fostering: bool = False
    visit_every: str | None = None  # "10wd", "4w", "28d", "1m" (policies.dates.format_frequency)
    allocated: Date
    assessment_completed: Date | None = None
    plan_started: Date | None = None
    stepped_down_from: str | None = None  # policies.facts.STEP_DOWN_SOURCES
    stepped_down_on: Date | None = None
    complex_plan: bool = False  # Wirral 3.1: the 6-month review applies to a complex plan only
    key_worker_led: bool = False  # Leicestershire's SSWOP oversight rule reads it
    # Other dated anchor events named by pack rules: {"safety_plan_agreed": "2026-04-03"}.
    events: dict[str, str] | None = _json_column()
    # DfE Children in Need census fields (migration 0010; codes in policies/census_codes.toml).
    referral_date: Date | None = None
    referral_source: str | None = None
    primary_need: str | None = None
    assessment_started: Date | None = None
    assessment_factors: list[str] | None = _json_column()
    plan_ended: Date | None = None
    sex: str | None = None
    ethnicity: str | None = None
    upn: str | None = None
    upn_unknown: str | None = None
    disabilities: list[str] | None = _json_column()  # `disabled` agrees once codes are given
    created_at: datetime
    updated_at: datetime
    # Bumped by every change to the case or anything recorded on it (models/versions.py): a
    # save made against the version a form showed is refused when it has moved on since.
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class Visit(SQLModel, table=True):
    __tablename__ = "visits"

    id: int | None = Field(default=None, primary_key=True)
    # The visit's identity for life: written by exports, matched by imports (migration 0004).
    uid: str | None = Field(default_factory=new_uid, unique=True, index=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    date: Date
    seen: bool = True
    seen_alone: bool | None = None
    not_alone_reason: str | None = None
    childs_voice: str | None = None
    location: str | None = None  # "home", "school" or "other"
    recorded: Date | None = None
    withdrawn_on: Date | None = None  # withdrawn (kept, not counted); see Correction
    withdrawn_reason: str | None = None


class Meeting(SQLModel, table=True):
    __tablename__ = "meetings"

    id: int | None = Field(default=None, primary_key=True)
    uid: str | None = Field(default_factory=new_uid, unique=True, index=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    kind: str  # policies.facts.MEETING_KINDS
    status: str  # policies.facts.MEETING_STATUSES
    date: Date
    chair: str | None = None
    chair_role: str | None = None
    family_attended: bool | None = None
    circulated: Date | None = None
    cancelled_on: Date | None = None
    cancel_reason: str | None = None
    next_meeting_id: int | None = Field(default=None, foreign_key="meetings.id", index=True)
    withdrawn_on: Date | None = None
    withdrawn_reason: str | None = None


class Closure(SQLModel, table=True):
    __tablename__ = "closures"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", unique=True, index=True)
    date: Date
    reason: str  # census code RC1-RC9 or one of the pack's own reasons
    note: str | None = None
    step_down_to_early_help: bool = False
    lead_professional: str | None = None
    checklist: dict[str, bool] | None = _json_column()  # pack checklist item id -> done


class OversightNote(SQLModel, table=True):
    __tablename__ = "oversight_notes"

    id: int | None = Field(default=None, primary_key=True)
    uid: str | None = Field(default_factory=new_uid, unique=True, index=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    author: str
    recorded: Date
    decision: str
    rationale: str
    cleared_flags: list[str] | None = _json_column()  # rule ids this note clears
    withdrawn_on: Date | None = None
    withdrawn_reason: str | None = None


class OversightAction(SQLModel, table=True):
    __tablename__ = "oversight_actions"

    id: int | None = Field(default=None, primary_key=True)
    note_id: int = Field(foreign_key="oversight_notes.id", index=True)
    description: str
    owner: str
    due: Date
    done: Date | None = None


class Correction(SQLModel, table=True):
    """One correction, withdrawal or reopening, as the case's history shows it (migration
    0007). The record corrected is changed in place (a withdrawn one is kept, marked
    `withdrawn_on`); a reopened case's closure row is removed, and lives on here in `before`.
    The audit trail has the same change too."""

    __tablename__ = "corrections"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, unique=True, index=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    record_type: str  # "visit", "meeting", "oversight_note" or "closure"
    record_uid: str | None = None  # the visit's, meeting's or note's uid
    action: str  # "corrected", "withdrawn" or "reopened"
    recorded: Date  # the day it was done (today, passed in)
    at: datetime  # UTC
    actor: str
    reason: str
    before: dict[str, Any] | None = _json_column()
    after: dict[str, Any] | None = _json_column()


class TaskCompletion(SQLModel, table=True):
    """A task the procedure gives the worker, marked done by them (or a one-off milestone an
    import records as met), with the day it was done (migration 0007)."""

    __tablename__ = "task_completions"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, unique=True, index=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    rule_id: str  # qualified, e.g. "camden.invitations"
    due: Date | None = None  # the occurrence done (its due date); None for a one-off rule
    done: Date
    recorded_by: str
    note: str | None = None
    withdrawn_on: Date | None = None
    withdrawn_reason: str | None = None


class AuditEntry(SQLModel, table=True):
    """One change to the data. Rows are only ever inserted (a trigger refuses UPDATE/DELETE)."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)  # UTC
    actor: str  # the worker name that made the change
    action: str  # "log_visit", "import", "close_case", "restore", ...
    case_ref: str | None = Field(default=None, index=True)
    summary: str
    before: dict[str, Any] | None = _json_column()
    after: dict[str, Any] | None = _json_column()
    case_version: int | None = None  # the case's version this change made (migration 0008)


class CaseDeadlines(SQLModel, table=True):
    """A case's deadlines as the engine last worked them out (models/stored_deadlines.py).

    Written only by `models.caseload.refresh_deadlines`; triggers delete the row whenever the
    case or anything recorded on it changes, and `computed_for` names every other input."""

    __tablename__ = "case_deadlines"

    case_id: int = Field(foreign_key="cases.id", primary_key=True)
    computed_for: str  # models.stored_deadlines: the key of policies, calendar and code
    error: str | None = None
    deadlines: str  # JSON, models.stored_deadlines.encode_planned (null: closed)
    first_due: str | None = None  # ISO date of the soonest deadline, for reading in order
    ordered_from: str | None = None  # first_due holds from this ISO date (None: always)...
    ordered_until: str | None = None  # ...to before this one (None: always); migration 0006
    # Shared by the rows stored together (models.stored_deadlines.read_caseload): 62 random
    # bits, so BIGINT on PostgreSQL (migration 0003).
    batch: int = Field(sa_type=Integer().with_variant(BigInteger(), "postgresql"))


class DeadlineInputs(SQLModel, table=True):
    """Which `computed_for` key the settings files of the last full load gave, so a read-only
    start can find the stored deadlines without loading the packs and calendar."""

    __tablename__ = "deadline_inputs"

    inputs: str = Field(primary_key=True)
    computed_for: str
    days_off: str | None = None  # JSON: the read-only start's working days (migration 0006)


class DatabaseIdentity(SQLModel, table=True):
    """Which caseload this file is: one row, made with the database, copied into its backups
    (see models/identity.py). A CHECK keeps it to one row (migration 0005)."""

    __tablename__ = "database_identity"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str
    created_at: datetime  # UTC


# ----- a laptop's replica of a team server (issue 14, migration 0009; models/sync_*.py) -----
# Written only on a laptop's SQLite replica by `cin sync`; on the server they stay empty and no
# staff role is granted them.


class SyncState(SQLModel, table=True):
    """Which team server this replica belongs to, and when it last synced (one row)."""

    __tablename__ = "sync_state"

    id: int | None = Field(default=None, primary_key=True)
    server: str  # the server's URL as given (no password: models.location refuses one)
    server_identity: str  # the server's database_identity uuid: a replica has one server
    last_sync_at: datetime | None = None  # UTC, when the last complete sync ended


class SyncBase(SQLModel, table=True):
    """A case as the server had it at the last sync (models.sync_snapshot's JSON): the base a
    laptop change and a server change are each told apart from."""

    __tablename__ = "sync_base"

    ref: str = Field(primary_key=True)
    version: int  # the server's version of the case
    snapshot: dict[str, Any] | None = _json_column()


class SyncConflict(SQLModel, table=True):
    """A field changed on both sides since the last sync: the server's value stays, the
    laptop's waits here until the worker chooses (`cin resolve`, the sync screen)."""

    __tablename__ = "sync_conflicts"

    id: int | None = Field(default=None, primary_key=True)
    case_ref: str = Field(index=True)
    record_type: str  # "case", "visit", "meeting" or "oversight_note"
    record_uid: str | None = None  # the record's uid (None for the case's own fields)
    field: str
    base_value: dict[str, Any] | None = _json_column()  # {"value": ...} as at the last sync
    server_value: dict[str, Any] | None = _json_column()
    laptop_value: dict[str, Any] | None = _json_column()
    found_at: datetime  # UTC


class SyncRefusal(SQLModel, table=True):
    """A laptop change the server refused, kept with the reason until it is sent or
    discarded (models.sync_changes.Change as JSON)."""

    __tablename__ = "sync_refusals"

    id: int | None = Field(default=None, primary_key=True)
    case_ref: str = Field(index=True)
    change_key: str = Field(unique=True)  # models.sync_changes.Change.key
    change: dict[str, Any] | None = _json_column()
    summary: str
    reason: str
    refused_at: datetime  # UTC
