"""Where the database is: a file name or a team server's URL (issue 13, item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.location import BadDatabaseLocation, ServerUrl, parse_location

pytestmark = pytest.mark.no_database(
    "parses --db / CIN_DB values: no database is opened")


def test_a_file_name_is_a_path_with_the_home_folder_expanded():
    assert parse_location("~/cases/cin.db") == Path.home() / "cases" / "cin.db"
    assert parse_location("cin.db") == Path("cin.db")


@pytest.mark.parametrize("url", [
    "postgresql://db.council.local/cin",
    "postgresql://sam@db.council.local:5433/cin?sslmode=verify-full",
    "postgresql:///cin?service=children_team",
    "postgres://db.council.local/cin",  # libpq's other spelling
])
def test_a_server_url_is_kept_as_libpq_reads_it(url):
    location = parse_location(url)
    assert isinstance(location, ServerUrl)
    assert location.url.startswith("postgresql:")
    assert location.url.split(":", 1)[1] == url.split(":", 1)[1]
    assert location.sqlalchemy_url.startswith("postgresql+psycopg:")


@pytest.mark.parametrize("url", [
    "postgresql://sam:secret@db.council.local/cin",
    "postgresql://sam:@db.council.local/cin",
    "postgresql:///cin?host=db&password=secret",
])
def test_a_password_in_the_url_is_refused_saying_where_it_goes_instead(url):
    with pytest.raises(BadDatabaseLocation) as refused:
        parse_location(url)
    message = str(refused.value)
    assert "password" in message and ".pgpass" in message and "service" in message
    assert "secret" not in message  # never echoed back to the screen


@given(st.text(alphabet=st.characters(blacklist_characters=":\x00"), min_size=1))
def test_anything_without_a_scheme_is_a_file_name(text):
    if text.strip():
        assert isinstance(parse_location(text), Path)
