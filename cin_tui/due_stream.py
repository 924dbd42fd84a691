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
from array import array
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


def _sort_key(due: date, ref: str, kind: str, rule: str, arrival: int) -> bytes:
    """(due, ref, kind, rule, arrival) as one bytes object that sorts the same way: a tuple of
    them costs about 230 bytes an item, this about 60. Texts are UTF-8 (whose bytes sort as
    their code points do), each ended by 00 00 with any 00 inside written 00 01, so a text sorts
    before any longer text it begins. `arrival` keeps equal items in the order they came, as a
    stable sort would."""
    texts = b"".join(text.encode("utf-8").replace(b"\0", b"\0\1") + b"\0\0"
                     for text in (ref, kind, rule))
    return due.toordinal().to_bytes(3, "big") + texts + arrival.to_bytes(4, "big")


class SpilledDueItems:
    """The open deadlines of open cases, due on or before today + `within_days` (all if None),
    soonest first, as `output.due_items` orders them."""

    def __init__(self, folder: Path | None) -> None:
        self._file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - closed by close()
        # One bytes object per item (see _sort_key), and where its text is in the file.
        self._keys: list[bytes] = []
        self._offsets = array("Q")
        self._lengths = array("I")
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
                keys.append(_sort_key(deadline.due, summary.ref, deadline.kind,
                                      deadline.rule_id, len(keys)))
                self._offsets.append(self._size)
                self._lengths.append(len(data))
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
        offsets, lengths = self._offsets, self._lengths
        for index, key in enumerate(self._keys):
            arrival = int.from_bytes(key[-4:], "big")
            length = lengths[arrival]
            chunk.append(os.pread(descriptor, length, offsets[arrival]))
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
