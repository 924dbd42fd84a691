"""Fixtures for the TUI tests: a small caseload, the app built on it, and ways to read the screen.

Today is Monday 23 Nov 2026 (tests/conftest.py). Working days skip weekends; there is no bank
holiday between 19 Oct and 25 Dec 2026, so the sums below are plain weekday counts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from models.inputs import CaseInput, ClosureInput, MeetingInput, VisitInput

TODAY = date(2026, 11, 23)  # a Monday, as in tests/conftest.py


def fixture_cases() -> list[CaseInput]:
    return [
        # Last seen Tue 20 Oct: Wirral's 20 working days run 21-23 Oct (3), 26-30 Oct (8),
        # 2-6 Nov (13), 9-13 Nov (18), 16 (19), 17 Nov (20) -> due Tue 17 Nov, and 18, 19, 20, 23
        # Nov have passed since: "✖ 4 wd late".
        CaseInput(
            ref="WR-001", name="Amira Hassan", dob=date(2017, 3, 4), worker="Sam Patel",
            team="North", family="hassan", policy="wirral", allocated=date(2026, 9, 1),
            visits=[VisitInput(date=date(2026, 10, 20), seen=True, seen_alone=True,
                               childs_voice="I like my school", location="home",
                               recorded=date(2026, 10, 20))],
        ),
        # Last seen Mon 16 Nov: +20 wd = 17-20 Nov (4), 23-27 (9), 30 Nov-4 Dec (14), 7-11 (19),
        # Mon 14 Dec (20). From today that is 24-27 Nov (4) + 5 + 5 + 14 Dec = 15: "✔ 15 wd".
        # A review booked for Thu 3 Dec; an initial meeting held Mon 2 Nov, not yet circulated:
        # Wirral's 14 days from 2 Nov -> Mon 16 Nov, a week ago: "✖ 7 d late".
        CaseInput(
            ref="WR-002", name="Bilal Hassan", dob=date(2021, 6, 10), worker="Sam Patel",
            team="North", family="hassan", policy="wirral", allocated=date(2026, 9, 1),
            visits=[VisitInput(date=date(2026, 11, 16), seen=True, seen_alone=True,
                               childs_voice="Happy", location="school",
                               recorded=date(2026, 11, 16))],
            meetings=[
                MeetingInput(kind="initial", status="held", date=date(2026, 11, 2),
                             chair="Ann Lee", chair_role="Team Manager", family_attended=True),
                MeetingInput(kind="review", status="booked", date=date(2026, 12, 3)),
            ],
        ),
        # Last seen Mon 2 Nov: +20 wd = 3-6 Nov (4), 9-13 (9), 16-20 (14), 23-27 (19), Mon 30 Nov
        # (20). From today: 24, 25, 26, 27, 30 Nov = 5 working days, inside the 5-day amber
        # window: "▲ 5 wd".
        CaseInput(
            ref="WR-003", name="Chloe Evans", dob=date(2024, 1, 15), worker="Jo King",
            team="North", policy="wirral", allocated=date(2026, 9, 1),
            visits=[VisitInput(date=date(2026, 11, 2), seen=True, seen_alone=False,
                               childs_voice="Smiled", location="home",
                               recorded=date(2026, 11, 2))],
        ),
        # Leicestershire, last seen Mon 9 Nov: +20 wd = 10-13 Nov (4), 16-20 (9), 23-27 (14),
        # 30 Nov-4 Dec (19), Mon 7 Dec (20). From today: 4 + 5 + 1 = "✔ 10 wd".
        CaseInput(
            ref="LC-001", name="Dara Smith", dob=date(2015, 5, 5), worker="Jo King",
            team="South", policy="leicestershire", allocated=date(2026, 10, 1),
            visits=[VisitInput(date=date(2026, 11, 9), seen=True, seen_alone=True,
                               childs_voice="OK", location="home", recorded=date(2026, 11, 9))],
        ),
        # Camden, a review booked for Mon 30 Nov (for the cancel form).
        CaseInput(
            ref="CA-001", name="Finn Doyle", dob=date(2012, 8, 8), worker="Jo King",
            team="South", policy="camden", allocated=date(2026, 9, 14),
            assessment_completed=date(2026, 9, 28),
            meetings=[
                MeetingInput(kind="initial", status="held", date=date(2026, 10, 5),
                             circulated=date(2026, 10, 9)),
                MeetingInput(kind="review", status="booked", date=date(2026, 11, 30)),
            ],
        ),
        # Closed on 1 Nov: hidden unless closed cases are shown.
        CaseInput(
            ref="WR-004", name="Evie Closed", dob=date(2014, 2, 2), worker="Sam Patel",
            team="North", policy="wirral", allocated=date(2026, 6, 1),
            closure=ClosureInput(date=date(2026, 11, 1), reason="RC8"),
        ),
    ]


@pytest.fixture
def caseload_db(make_database: Callable[..., Path]) -> Path:
    return make_database(fixture_cases())


@pytest.fixture
def empty_db(make_database: Callable[..., Path]) -> Path:
    return make_database([])


@pytest.fixture(autouse=True)
def _steady_screen(monkeypatch: pytest.MonkeyPatch) -> None:
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
        app = make_app(database_path=database_path, cursor_blink=False, **options)
        app.animation_level = "none"
        return app

    return build
