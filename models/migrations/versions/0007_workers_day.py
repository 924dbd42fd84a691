"""A worker's whole day (issue 12): the two case facts packs read and nothing could set
(`complex_plan`, `key_worker_led`); corrections and withdrawals that keep the original
(`withdrawn_on` / `withdrawn_reason` on visits, meetings and oversight notes, and a
`corrections` history of every correction, withdrawal and reopening with its before and
after); and `task_completions`, the worker's own tasks marked done (and milestones an import
records as met), which a case's deadlines are worked out from.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

from models.migrations.triggers import create_stale_trigger, drop_trigger

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_WITHDRAWABLE = ("visits", "meetings", "oversight_notes")
_VERBS = {"INSERT": ("NEW",), "UPDATE": ("OLD", "NEW"), "DELETE": ("OLD",)}


def upgrade() -> None:
    # Plain ADD COLUMN (not a batch table copy, which would drop the triggers on `cases`).
    for fact in ("complex_plan", "key_worker_led"):
        op.add_column("cases", sa.Column(fact, sa.Boolean(), nullable=False,
                                         server_default=sa.false()))
    for table in _WITHDRAWABLE:
        op.add_column(table, sa.Column("withdrawn_on", sa.Date(), nullable=True))
        op.add_column(table, sa.Column("withdrawn_reason", sa.String(), nullable=True))

    # Oversight notes get an identity for life, as visits and meetings did in 0004: a
    # correction names the record it corrects, and a later sync merges by it.
    connection = op.get_bind()
    op.add_column("oversight_notes", sa.Column("uid", sa.String(), nullable=True))
    ids = [row[0] for row in connection.execute(sa.text("SELECT id FROM oversight_notes"))]
    if ids:
        connection.execute(
            sa.text("UPDATE oversight_notes SET uid = :uid WHERE id = :id"),
            [{"uid": str(uuid.uuid4()), "id": row_id} for row_id in ids],
        )
    op.create_index("ix_oversight_notes_uid", "oversight_notes", ["uid"], unique=True)

    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.String(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        # "visit", "meeting", "oversight_note" or "closure"
        sa.Column("record_type", sa.String(), nullable=False),
        sa.Column("record_uid", sa.String(), nullable=True),
        # "corrected", "withdrawn" or "reopened"
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("recorded", sa.Date(), nullable=False),
        # On PostgreSQL with the time zone, as the tables (models.tables) declare it.
        sa.Column("at", sa.DateTime().with_variant(sa.DateTime(timezone=True), "postgresql"),
                  nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("before", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("after", sa.JSON(none_as_null=True), nullable=True),
    )
    op.create_index("ix_corrections_uid", "corrections", ["uid"], unique=True)
    op.create_index("ix_corrections_case_id", "corrections", ["case_id"])

    op.create_table(
        "task_completions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.String(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("rule_id", sa.String(), nullable=False),  # qualified: "camden.invitations"
        # The due date of the occurrence done (a task before each review has one per
        # review); None for a one-off rule.
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("done", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_reason", sa.String(), nullable=True),
    )
    op.create_index("ix_task_completions_uid", "task_completions", ["uid"], unique=True)
    op.create_index("ix_task_completions_case_id", "task_completions", ["case_id"])
    for verb, rows in _VERBS.items():
        deletes = "\n".join(
            f"DELETE FROM case_deadlines WHERE case_id = {row}.case_id;" for row in rows)
        create_stale_trigger(f"stale_deadlines_task_completions_{verb.lower()}", verb,
                             "task_completions", deletes)
    # The engine reads new facts: rows stored by 0006's code are worked out again.
    op.execute("DELETE FROM case_deadlines")


def downgrade() -> None:
    for verb in _VERBS:
        drop_trigger(f"stale_deadlines_task_completions_{verb.lower()}", "task_completions")
    op.drop_table("task_completions")
    op.drop_table("corrections")
    op.drop_index("ix_oversight_notes_uid", table_name="oversight_notes")
    with op.batch_alter_table("oversight_notes") as batch:
        batch.drop_column("uid")
    for table in _WITHDRAWABLE:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("withdrawn_reason")
            batch.drop_column("withdrawn_on")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("key_worker_led")
        batch.drop_column("complex_plan")
    op.execute("DELETE FROM case_deadlines")
