"""Fixtures for the reliability tests (helpers in helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import Cin, make_cin


@pytest.fixture
def cin(tmp_path: Path) -> Cin:
    """`cin` in a subprocess with the network switched off (tools/nonet)."""
    return make_cin(tmp_path)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: the heavier reliability tests (process kills); CI runs them too"
    )
