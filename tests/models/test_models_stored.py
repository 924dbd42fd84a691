"""The bulk paths' own conversions give exactly what SQLAlchemy stores and reads back."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Boolean, Date
from sqlalchemy.dialects import sqlite

from models import stored

pytestmark = pytest.mark.no_database(
    "compares the bulk paths' value conversions with SQLAlchemy's: no database")

DIALECT = sqlite.dialect()
DATES = [date(2026, 11, 23), date(2024, 2, 29), date(1, 1, 1), date(999, 12, 31),
         date(9999, 12, 31)]


def sqlalchemy_converters(column_type):
    impl = column_type.dialect_impl(DIALECT)
    return impl.bind_processor(DIALECT), impl.result_processor(DIALECT, None)


@pytest.mark.parametrize("value", [*DATES, None])
def test_dates_match_sqlalchemy(value):
    to_db, from_db = sqlalchemy_converters(Date())
    assert stored.date_to_stored(value) == to_db(value)
    assert stored.date_from_stored(to_db(value)) == from_db(to_db(value)) == value


@pytest.mark.parametrize("value", [True, False, None])
def test_booleans_match_sqlalchemy(value):
    to_db, from_db = sqlalchemy_converters(Boolean())
    assert stored.bool_to_stored(value) == to_db(value)
    assert stored.bool_from_stored(to_db(value)) == (from_db(to_db(value)) if from_db else value)
