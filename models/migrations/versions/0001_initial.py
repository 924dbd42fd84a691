"""Initial schema: workers, cases, visits, meetings, closures, oversight notes, audit log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("team", sa.String(), nullable=True),
    )
    op.create_index("ix_workers_name", "workers", ["name"], unique=True)

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ref", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("dob", sa.Date(), nullable=True),
        sa.Column("worker_id", sa.Integer(), sa.ForeignKey("workers.id"), nullable=True),
        sa.Column("team", sa.String(), nullable=True),
        sa.Column("policy_id", sa.String(), nullable=False),
        sa.Column("family", sa.String(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("private_fostering", sa.Boolean(), nullable=False),
        sa.Column("visit_every", sa.String(), nullable=True),
        sa.Column("allocated", sa.Date(), nullable=False),
        sa.Column("assessment_completed", sa.Date(), nullable=True),
        sa.Column("plan_started", sa.Date(), nullable=True),
        sa.Column("stepped_down_from", sa.String(), nullable=True),
        sa.Column("stepped_down_on", sa.Date(), nullable=True),
        sa.Column("events", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_cases_ref", "cases", ["ref"], unique=True)
    op.create_index("ix_cases_worker_id", "cases", ["worker_id"])
    op.create_index("ix_cases_family", "cases", ["family"])

    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("seen", sa.Boolean(), nullable=False),
        sa.Column("seen_alone", sa.Boolean(), nullable=True),
        sa.Column("not_alone_reason", sa.String(), nullable=True),
        sa.Column("childs_voice", sa.String(), nullable=True),
        sa.Column("location", sa.String(), nullable=True),
        sa.Column("recorded", sa.Date(), nullable=True),
    )
    op.create_index("ix_visits_case_id", "visits", ["case_id"])

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("chair", sa.String(), nullable=True),
        sa.Column("chair_role", sa.String(), nullable=True),
        sa.Column("family_attended", sa.Boolean(), nullable=True),
        sa.Column("circulated", sa.Date(), nullable=True),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.Column("cancel_reason", sa.String(), nullable=True),
        sa.Column(
            "next_meeting_id", sa.Integer(), sa.ForeignKey("meetings.id"), nullable=True
        ),
    )
    op.create_index("ix_meetings_case_id", "meetings", ["case_id"])
    op.create_index("ix_meetings_next_meeting_id", "meetings", ["next_meeting_id"])

    op.create_table(
        "closures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("step_down_to_early_help", sa.Boolean(), nullable=False),
        sa.Column("lead_professional", sa.String(), nullable=True),
        sa.Column("checklist", sa.JSON(none_as_null=True), nullable=True),
    )
    op.create_index("ix_closures_case_id", "closures", ["case_id"], unique=True)

    op.create_table(
        "oversight_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("recorded", sa.Date(), nullable=False),
        sa.Column("decision", sa.String(), nullable=False),
        sa.Column("rationale", sa.String(), nullable=False),
        sa.Column("cleared_flags", sa.JSON(none_as_null=True), nullable=True),
    )
    op.create_index("ix_oversight_notes_case_id", "oversight_notes", ["case_id"])

    op.create_table(
        "oversight_actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "note_id", sa.Integer(), sa.ForeignKey("oversight_notes.id"), nullable=False
        ),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("done", sa.Date(), nullable=True),
    )
    op.create_index("ix_oversight_actions_note_id", "oversight_actions", ["note_id"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("case_ref", sa.String(), nullable=True),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("before", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("after", sa.JSON(none_as_null=True), nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_case_ref", "audit_log", ["case_ref"])


def downgrade() -> None:
    for table in (
        "audit_log", "oversight_actions", "oversight_notes", "closures",
        "meetings", "visits", "cases", "workers",
    ):
        op.drop_table(table)
