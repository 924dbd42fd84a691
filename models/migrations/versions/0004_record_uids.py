"""Stable identities for visits and meetings: a UUID each, kept for the life of the record.

A JSON export writes them (`id`) and an import matches on them, so re-importing an export finds
the very record it came from, whatever else changed; a later sync between laptops and a team
server merges records made on both sides by the same identity.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("visits", "meetings")


def upgrade() -> None:
    connection = op.get_bind()
    for table in TABLES:
        op.add_column(table, sa.Column("uid", sa.String(), nullable=True))
        ids = [row[0] for row in connection.execute(sa.text(f"SELECT id FROM {table}"))]
        if ids:
            connection.execute(
                sa.text(f"UPDATE {table} SET uid = :uid WHERE id = :id"),
                [{"uid": str(uuid.uuid4()), "id": row_id} for row_id in ids],
            )
        op.create_index(f"ix_{table}_uid", table, ["uid"], unique=True)


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_uid", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("uid")
