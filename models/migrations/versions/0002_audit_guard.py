"""Audit entries are permanent: triggers refuse UPDATE and DELETE on the audit log.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

AUDIT_UNCHANGEABLE = "audit entries cannot be changed"


def upgrade() -> None:
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"""
            CREATE TRIGGER audit_log_no_{verb.lower()}
            BEFORE {verb} ON audit_log
            BEGIN
                SELECT RAISE(ABORT, '{AUDIT_UNCHANGEABLE}');
            END
            """
        )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
