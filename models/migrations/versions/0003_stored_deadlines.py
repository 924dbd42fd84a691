"""Stored deadlines: each case's deadlines as the engine worked them out, kept until a fact
changes (triggers delete the case's row in the same transaction) or an input changes (the row's
`computed_for` key no longer matches). See models/stored_deadlines.py.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.migrations.triggers import create_stale_trigger, drop_trigger

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Every table a case's deadlines are worked out from, and how a row names its case.
_CASE_OF_ROW = {
    "visits": "{row}.case_id",
    "meetings": "{row}.case_id",
    "closures": "{row}.case_id",
    "oversight_notes": "{row}.case_id",
    "oversight_actions": "(SELECT case_id FROM oversight_notes WHERE id = {row}.note_id)",
    "cases": "{row}.id",
}


def _trigger_names() -> list[tuple[str, str, str]]:
    names = []
    for table in _CASE_OF_ROW:
        for verb in ("INSERT", "UPDATE", "DELETE"):
            if table == "cases" and verb == "INSERT":
                continue  # a new case has no stored row yet
            names.append((f"stale_deadlines_{table}_{verb.lower()}", table, verb))
    return names


def upgrade() -> None:
    op.create_table(
        "case_deadlines",
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("computed_for", sa.String(), nullable=False),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("deadlines", sa.String(), nullable=False),
        # The soonest due date (ISO), so the most urgent cases can be read first, in order.
        sa.Column("first_due", sa.String(), nullable=True),
        # A random number shared by the rows stored together, so a reader that has seen some
        # batches can read only the cases stored since (the TUI after a save).
        # (62 random bits: SQLite's INTEGER holds 64; PostgreSQL's needs BIGINT.)
        sa.Column("batch", sa.Integer().with_variant(sa.BigInteger(), "postgresql"),
                  nullable=False),
    )
    op.create_table(
        "deadline_inputs",
        sa.Column("inputs", sa.String(), primary_key=True),
        sa.Column("computed_for", sa.String(), nullable=False),
    )
    for name, table, verb in _trigger_names():
        rows = {"INSERT": ("NEW",), "UPDATE": ("OLD", "NEW"), "DELETE": ("OLD",)}[verb]
        deletes = "\n".join(
            f"DELETE FROM case_deadlines WHERE case_id = {_CASE_OF_ROW[table].format(row=row)};"
            for row in rows
        )
        create_stale_trigger(name, verb, table, deletes)


def downgrade() -> None:
    for name, table, _verb in _trigger_names():
        drop_trigger(name, table)
    op.drop_table("deadline_inputs")
    op.drop_table("case_deadlines")
