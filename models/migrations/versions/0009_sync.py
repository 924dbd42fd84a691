"""Offline laptops that sync with a team server (issue 14): what a laptop's replica remembers.

`sync_state` names the server the replica belongs to and the last sync; `sync_base` holds each
case as the server had it then (so a change made on one side is told from one made on both);
`sync_conflicts` keeps a laptop's value beside the server's until the worker chooses;
`sync_refusals` keeps the laptop changes the server refused, with the reason. On a team server
the tables stay empty: no staff role is granted them.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _utc() -> sa.types.TypeEngine:
    # As models.tables declares a datetime: with the time zone on PostgreSQL.
    return sa.DateTime().with_variant(sa.DateTime(timezone=True), "postgresql")


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("server", sa.String(), nullable=False),
        sa.Column("server_identity", sa.String(), nullable=False),
        sa.Column("last_sync_at", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "sync_base",
        sa.Column("ref", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(none_as_null=True), nullable=True),
        sa.PrimaryKeyConstraint("ref"),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(), nullable=False),
        sa.Column("record_type", sa.String(), nullable=False),
        sa.Column("record_uid", sa.String(), nullable=True),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("base_value", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("server_value", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("laptop_value", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("found_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sync_conflicts_case_ref", "sync_conflicts", ["case_ref"])
    op.create_table(
        "sync_refusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(), nullable=False),
        sa.Column("change_key", sa.String(), nullable=False),
        sa.Column("change", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("refused_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("change_key"),
    )
    op.create_index("ix_sync_refusals_case_ref", "sync_refusals", ["case_ref"])


def downgrade() -> None:
    op.drop_table("sync_refusals")
    op.drop_table("sync_conflicts")
    op.drop_table("sync_base")
    op.drop_table("sync_state")
