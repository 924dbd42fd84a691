"""Hypothesis through the TUI under Pilot: random hostile text (tests/reliability/hostile.py)
stored as a child's name, worker, team and voice; the caseload and the case screen draw every
character as text, never a control sequence, and the app never stops. Few examples: each one
starts the real app."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from screens.case import CaseScreen
from tests.reliability.hostile import HOSTILE

from .pilot import started, until
from .test_hostile_text_tui import assert_inert, drawn

EXAMPLES = 8


@pytest.fixture(scope="module")
def clean_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from datetime import date

    from models.commands import upsert_cases
    from models.db import open_database, session_scope
    from models.inputs import CaseInput, VisitInput
    from policies.packs import load_policies

    from .support import TODAY

    path = tmp_path_factory.mktemp("hostile-tui") / "clean.db"
    engine = open_database(path)
    try:
        with session_scope(engine) as session:
            upsert_cases(session, actor="test fixture", policies=load_policies(None), today=TODAY,
                         cases=[CaseInput(
                             ref="HX-100", name="Child", dob=date(2015, 5, 5), worker="Worker",
                             team="Team", policy="wirral", allocated=date(2026, 8, 3),
                             visits=[VisitInput(date=date(2026, 11, 16), seen_alone=True,
                                                childs_voice="voice", location="home")])])
    finally:
        engine.dispose()
    return path


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(name=HOSTILE, worker=HOSTILE, voice=HOSTILE)
def test_hostile_text_is_drawn_as_text(clean_copy, new_app, tmp_path_factory, name, worker,
                                       voice):
    path = tmp_path_factory.mktemp("example") / "cin.db"
    shutil.copy2(clean_copy, path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE cases SET name = ?, team = ?", (name, worker))
        db.execute("UPDATE workers SET name = ?", (worker,))
        db.execute("UPDATE visits SET childs_voice = ?", (voice,))
    asyncio.run(_open_the_case(new_app(path)))


async def _open_the_case(app) -> None:
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await started(pilot)
        assert_inert(drawn(app))
        await pilot.press("home", "enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen)
                    and app.screen.case_detail is not None, "the case")
        await pilot.pause()
        assert_inert(drawn(app))
        assert app._exception is None
