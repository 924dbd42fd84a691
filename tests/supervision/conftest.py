"""Fixtures for the supervision tests: databases built through the import command, reads through
`models.supervision`, notes through `models.commands`, and the real app at a fixed today.

Today is Monday 23 Nov 2026 (tests/conftest.py). There is no bank holiday between 31 Aug and
25 Dec 2026, so working-day sums in that stretch are plain weekday counts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

TODAY = date(2026, 11, 23)  # a Monday, as in tests/conftest.py


@pytest.fixture(autouse=True)
def _steady(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same picture every run: no animations, no user settings, no real date."""
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.delenv("NO_COLOR", raising=False)
    for name in ("CIN_TODAY", "CIN_DB", "CIN_SETTINGS_DIR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def new_app() -> Callable[..., object]:
    """`new_app(database_path, **options)`: the real app, fixed today, no cursor blink."""
    from cin_tui.app import make_app

    def build(database_path: Path, **options: object):
        options.setdefault("today", TODAY)
        options.setdefault("actor", "Morgan Ashdown")
        app = make_app(database_path=database_path, cursor_blink=False, **options)
        app.animation_level = "none"
        return app

    return build
