"""Counting what the reliability tests tried, for docs/reliability.md.

When CIN_RELIABILITY_FIGURES names a file, each call appends one JSON line to it; otherwise the
calls cost nothing. `python tools/reliability_figures.py` runs the tests with it set and adds the
lines up.
"""

from __future__ import annotations

import json
import os


def add(figure: str, count: int = 1) -> None:
    """Add `count` to `figure` (e.g. "bad inputs tried", "kills survived", "records lost")."""
    path = os.environ.get("CIN_RELIABILITY_FIGURES")
    if not path or count == 0:
        return
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps({figure: count}) + "\n")
