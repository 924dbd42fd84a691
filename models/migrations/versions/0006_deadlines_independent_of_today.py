"""Stored deadlines independent of today: what a case's facts, pack and calendar fix is stored
(models/stored_deadlines.py), and status, countdown and the current occurrence of a repeating
rule are worked out when read. Two columns give the days a stored row's order (its soonest due
date) holds for, and the settings key row carries the days off a read counts working days with.
The facts builder also reads `workers` (tests/models/test_models_stale_triggers.py finds every
table it reads): a change there now makes its cases' rows stale too, like every other table.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.migrations.triggers import create_stale_trigger, drop_trigger

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


_VERBS = {"INSERT": ("NEW",), "UPDATE": ("OLD", "NEW"), "DELETE": ("OLD",)}


def upgrade() -> None:
    # Rows of the old form (worked out for one day) are not read by this version: drop them.
    op.execute("DELETE FROM case_deadlines")
    op.execute("DELETE FROM deadline_inputs")
    # `first_due` holds from `ordered_from` (or always) to before `ordered_until` (or always):
    # a repeating rule's current occurrence moves on outside it.
    op.add_column("case_deadlines", sa.Column("ordered_from", sa.String(), nullable=True))
    op.add_column("case_deadlines", sa.Column("ordered_until", sa.String(), nullable=True))
    # JSON [first ordinal, last ordinal, [non-working weekday ordinals]]: the
    # policies.calendar.WorkingDays the read-only start counts working days with.
    op.add_column("deadline_inputs", sa.Column("days_off", sa.String(), nullable=True))
    for verb, rows in _VERBS.items():
        deletes = "\n".join(
            f"DELETE FROM case_deadlines WHERE case_id IN "
            f"(SELECT id FROM cases WHERE worker_id = {row}.id);" for row in rows)
        create_stale_trigger(f"stale_deadlines_workers_{verb.lower()}", verb, "workers", deletes)


def downgrade() -> None:
    for verb in _VERBS:
        drop_trigger(f"stale_deadlines_workers_{verb.lower()}", "workers")
    op.execute("DELETE FROM case_deadlines")
    op.execute("DELETE FROM deadline_inputs")
    with op.batch_alter_table("deadline_inputs") as batch:
        batch.drop_column("days_off")
    with op.batch_alter_table("case_deadlines") as batch:
        batch.drop_column("ordered_until")
        batch.drop_column("ordered_from")
