"""Optimistic concurrency (issue 13): a `version` on each case, bumped by every change to the
case or anything recorded on it, and the version each change made, on its audit entry
(`audit_log.case_version`), so a save refused because the case changed meanwhile can say who
changed what, and when.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both tables: a batch table copy would drop the triggers on `cases`
    # (stale deadlines) and on `audit_log` (the append-only guard).
    op.add_column("cases", sa.Column("version", sa.Integer(), nullable=False,
                                     server_default=sa.text("1")))
    op.add_column("audit_log", sa.Column("case_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    # SQLite 3.35+ and PostgreSQL drop a column in place (no table copy, triggers kept).
    op.drop_column("audit_log", "case_version")
    op.drop_column("cases", "version")
