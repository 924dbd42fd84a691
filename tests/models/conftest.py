"""Fixtures for the persistence tests: each test gets its own database in tmp_path."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from models.db import open_database, session_scope
from models.inputs import CaseInput

# Monday 23 Nov 2026, the project's fixed "today" for tests.
TODAY = date(2026, 11, 23)


@dataclass(frozen=True)
class Reason:
    code: str
    label: str


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    required: bool = True


@dataclass(frozen=True)
class FakePolicy:
    """Only what the persistence layer reads from a policy pack."""

    id: str
    closure_reasons: tuple[Reason, ...] = ()
    closure_checklist: tuple[Item, ...] = ()


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def policies() -> dict[str, FakePolicy]:
    return {
        "wirral": FakePolicy("wirral"),
        "leicestershire": FakePolicy(
            "leicestershire",
            closure_reasons=(Reason("stepped_across", "Stepped across to Early Help"),),
            closure_checklist=(
                Item("manager_agreement", "Manager agreement"),
                Item("closure_summary", "Review and closure summary"),
                Item("early_help_considered", "Step-across to Early Help considered", False),
            ),
        ),
    }


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "cin.db"


@pytest.fixture
def engine(db_path: Path):
    engine = open_database(db_path)
    yield engine
    engine.dispose()


@pytest.fixture
def add_case(engine, policies):
    """Import one case (through the same path as a file import) and return its ref."""
    from models.commands import upsert_cases

    def add(ref: str = "C1", **fields) -> str:
        fields.setdefault("name", f"Child {ref}")
        fields.setdefault("allocated", date(2026, 1, 5))
        fields.setdefault("policy", "wirral")
        with session_scope(engine) as session:
            upsert_cases(
                session, cases=[CaseInput(ref=ref, **fields)], actor="setup",
                policies=policies, today=TODAY,
            )
        return ref

    return add
