"""`cin due --json` for a caseload of any size: the items in the same order and the same text as
`output.due_json(output.due_items(rows))`, without holding the caseload in memory.

Each item's JSON goes into a private temporary file beside the database (0600, unlinked at
once, so nothing is left behind and nothing goes to a shared temporary folder); only its sort
key and place in the file stay in memory. Then the keys are sorted and the texts copied out in
that order.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from cin_tui.output import DueItem, item_json
from policies.safe_text import safe_json

if TYPE_CHECKING:
    from models.rows import CaseloadRow

# Bytes of JSON gathered before a write: few system calls, little memory.
_WRITE_CHUNK = 1 << 20


class SpilledDueItems:
    """The open deadlines of open cases, due on or before today + `within_days` (all if None),
    soonest first, as `output.due_items` orders them."""

    def __init__(self, folder: Path | None) -> None:
        self._file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - closed by close()
        # (due ordinal, ref, kind, rule, arrival, offset, length): arrival keeps the order of
        # equal keys as a stable sort of the rows would.
        self._keys: list[tuple[int, str, str, str, int, int, int]] = []
        self._size = 0
        self.problems: list[tuple[str, str]] = []  # (ref, why it has no deadlines)

    @classmethod
    def collect(
        cls, rows: Iterable[CaseloadRow], *, today: date, within_days: int | None,
        folder: Path | None,
    ) -> SpilledDueItems:
        spilled = cls(folder)
        try:
            spilled._add(rows, today, within_days)
        except BaseException:
            spilled.close()
            raise
        return spilled

    def _add(self, rows: Iterable[CaseloadRow], today: date, within_days: int | None) -> None:
        last_day = today + timedelta(days=within_days) if within_days is not None else None
        pending: list[bytes] = []
        pending_size = 0
        keys = self._keys
        for row in rows:
            if row.error:
                self.problems.append((row.ref, row.error))
            if row.closed:
                continue
            summary = row.summary
            for deadline in row.deadlines:
                if last_day is not None and deadline.due > last_day:
                    continue
                item = DueItem(summary.ref, summary.name, summary.worker, summary.team,
                               summary.policy_id, deadline)
                data = safe_json(item_json(item)).encode("utf-8")
                keys.append((deadline.due.toordinal(), summary.ref, deadline.kind,
                             deadline.rule_id, len(keys), self._size, len(data)))
                self._size += len(data)
                pending.append(data)
                pending_size += len(data)
                if pending_size >= _WRITE_CHUNK:
                    self._file.write(b"".join(pending))
                    pending.clear()
                    pending_size = 0
        self._file.write(b"".join(pending))
        self._file.flush()
        self.problems.sort(key=lambda problem: problem[0])

    def write_json(self, out: TextIO) -> None:
        """The items as `output.due_json` writes them."""
        if not self._keys:
            out.write("[]\n")
            return
        self._keys.sort()
        descriptor = self._file.fileno()
        out.write("[\n")
        chunk: list[bytes] = []
        size = 0
        last = len(self._keys) - 1
        for index, (*_, offset, length) in enumerate(self._keys):
            chunk.append(os.pread(descriptor, length, offset))
            chunk.append(b",\n" if index != last else b"\n")
            size += length
            if size >= _WRITE_CHUNK:
                out.write(b"".join(chunk).decode("utf-8"))
                chunk.clear()
                size = 0
        out.write(b"".join(chunk).decode("utf-8"))
        out.write("]\n")

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> SpilledDueItems:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
