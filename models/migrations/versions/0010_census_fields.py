"""The DfE Children in Need census fields of a case (issue 15): the referral (date, source),
the assessment's start and factors, the primary need, the plan's end, and the child's sex,
ethnicity, UPN (or why it is unknown) and disability codes. All optional: an existing case
keeps every value it had and has none of these until someone records them. Codes are the
census's own (policies/census_codes.toml); the two lists are JSON arrays of codes.

`disabled` stays as it was: with no disability codes recorded it keeps its meaning; once codes
are recorded it agrees with them (true when any code but NONE is given; models/census_checks.py).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_DATES = ("referral_date", "assessment_started", "plan_ended")
_CODES = ("referral_source", "primary_need", "sex", "ethnicity", "upn", "upn_unknown")
_LISTS = ("assessment_factors", "disabilities")


def upgrade() -> None:
    # Plain ADD COLUMN (not a batch table copy, which would drop the triggers on `cases`).
    for name in _DATES:
        op.add_column("cases", sa.Column(name, sa.Date(), nullable=True))
    for name in _CODES:
        op.add_column("cases", sa.Column(name, sa.String(), nullable=True))
    for name in _LISTS:
        op.add_column("cases", sa.Column(name, sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    for name in (*_LISTS, *_CODES, *_DATES):
        op.drop_column("cases", name)
