"""Fixtures for the sync tests: a team server (a real PostgreSQL, tests/pg_server.py) set up
with `cin server init` and three logins, and laptops with their own replica files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .team import Laptop, Team


@pytest.fixture
def team(postgres_server) -> Iterator[Team]:
    name, url = postgres_server.new_database()
    team = Team(url)
    try:
        team.set_up()
        yield team
    finally:
        postgres_server.drop(name)
        team.drop_logins(postgres_server.admin_url)


@pytest.fixture
def laptop(team: Team, tmp_path: Path) -> Callable[[str], Laptop]:
    """`laptop("ann")`: Ann's laptop (a replica file of its own); "bea" and "max" likewise."""
    names = {"ann": "Ann Lee", "bea": "Bea Cole", "max": "Max Ford"}

    def make(who: str, file: str | None = None) -> Laptop:
        return Laptop(team, getattr(team, who), names[who],
                      tmp_path / (file or f"{who}-laptop.db"))

    return make
