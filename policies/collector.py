"""Keeping Python's cyclic garbage collector out of the way while a big batch of objects is built.

Reading 20,000 cases, building their table lines or parsing an authority-sized import file
makes hundreds of thousands of small objects and no reference cycles: reference counting frees
them, but the cyclic collector would walk them again and again while they are built (over half
of an import's parse time). Nothing here is about deadlines: it sits in the lowest layer so
models/, screens/ and cin_tui/ can all use the one helper.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the block, then back on if it was on before (so
    nested pauses, and a caller that had turned it off, are left as they were)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
