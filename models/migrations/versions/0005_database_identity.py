"""Database identity: which caseload a file (or a backup of it) belongs to.

A one-row table holds a UUID made when the database is created (or, for a database made before
this revision, when it is first opened by this version), and the SQLite header's application id
is set to cin's, so cin recognises its own files without reading a table. Backups carry both,
which is how cin tells a backup of this caseload from a backup of another one.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CIN_APPLICATION_ID = 0x43494E31  # "CIN1"; models.identity holds the same value


def upgrade() -> None:
    op.create_table(
        "database_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(), nullable=False),
        # On PostgreSQL with the time zone, as the tables (models.tables) declare it.
        sa.Column("created_at", sa.DateTime().with_variant(sa.DateTime(timezone=True),
                                                           "postgresql"), nullable=False),
        sa.CheckConstraint("id = 1", name="one_identity"),
        sa.PrimaryKeyConstraint("id"),
    )
    bind = op.get_bind()
    bind.execute(
        sa.text("INSERT INTO database_identity (id, uuid, created_at) VALUES (1, :uuid, :at)"),
        {"uuid": str(uuid.uuid4()),
         "at": datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")},
    )
    if bind.dialect.name != "sqlite":
        return  # the application id is in an SQLite file's header
    if bind.exec_driver_sql("PRAGMA application_id").scalar() == 0:  # the demo keeps its own
        bind.exec_driver_sql(f"PRAGMA application_id = {CIN_APPLICATION_ID}")


def downgrade() -> None:
    op.drop_table("database_identity")
    if op.get_bind().dialect.name == "sqlite":
        op.get_bind().exec_driver_sql("PRAGMA application_id = 0")
