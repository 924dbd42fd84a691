"""Keeping Python's cyclic garbage collector out of the way of a big caseload.

A 20,000-case caseload keeps about a million small objects alive. None of them form cycles, so
reference counting frees them; but the cyclic collector still walks them: over and over while
they are being built, and later in a full pass (about 0.3 s, holding the interpreter) that
whatever allocates next sets off once the heap has grown by a quarter: a keypress that sorts the
list, say. So:

- `collector_paused()` (policies.collector, the one helper models/ and cin_tui/ use too) while
  the rows are read and the lines are built;
- `settle(cases)` then, in the same worker, before the caseload is shown: for a big caseload, the
  full pass is made there and then, so the objects join the old generation and no pass over
  them is due while the user types. A small caseload skips it: its passes are too short to
  notice, and a full pass would walk the whole process for nothing.
"""

from __future__ import annotations

import gc

from policies.collector import collector_paused

__all__ = ["SETTLE_FROM_CASES", "collector_paused", "settle"]

SETTLE_FROM_CASES = 2_000


def settle(cases: int) -> None:
    if cases >= SETTLE_FROM_CASES:
        gc.collect()
