"""Keeping Python's cyclic garbage collector out of the way of a big caseload.

A 20,000-case caseload keeps about a million small objects alive. None of them form cycles, so
reference counting frees them; but the cyclic collector still walks them: over and over while
they are being built, and, if they are left in its young generations, in a long pass (about
0.3 s, holding the interpreter) set off later by whatever allocates next, say a keypress that
sorts the list. So while the rows are read and the lines built the collector is paused, and at
the end one full collection moves everything still alive into the old generation, which later
passes only revisit after the heap has grown by a quarter.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def bulk_allocation() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()
