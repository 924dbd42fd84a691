"""Audit entries are permanent: triggers refuse UPDATE and DELETE on the audit log.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from models.migrations.triggers import create_trigger, drop_trigger

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

AUDIT_UNCHANGEABLE = "audit entries cannot be changed"


def upgrade() -> None:
    for verb in ("UPDATE", "DELETE"):
        create_trigger(
            f"audit_log_no_{verb.lower()}", "BEFORE", verb, "audit_log",
            sqlite_body=f"SELECT RAISE(ABORT, '{AUDIT_UNCHANGEABLE}');",
            # SQLSTATE 23000 (integrity_constraint_violation), as SQLite's ABORT is reported.
            postgresql_body=f"RAISE EXCEPTION '{AUDIT_UNCHANGEABLE}' USING ERRCODE = '23000';",
        )


def downgrade() -> None:
    drop_trigger("audit_log_no_update", "audit_log")
    drop_trigger("audit_log_no_delete", "audit_log")
