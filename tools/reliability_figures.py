#!/usr/bin/env python3
"""Run tests/reliability and add up what they tried, for docs/reliability.md.

    python tools/reliability_figures.py [extra pytest arguments]

Prints a Markdown table: inputs tried and refused (import files, form inputs), kills survived,
records lost. Exits with pytest's status, so a failing run is never reported as figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="cin-figures-") as tmp:
        log = Path(tmp) / "figures.jsonl"
        env = dict(os.environ, CIN_RELIABILITY_FIGURES=str(log))
        status = subprocess.call([sys.executable, "-m", "pytest", "tests/reliability", "-q",
                                  "-p", "no:cacheprovider", *argv], cwd=ROOT, env=env)
        totals: Counter[str] = Counter()
        if log.exists():
            for line in log.read_text(encoding="utf-8").splitlines():
                totals.update(json.loads(line))
    if status != 0:
        print(f"pytest failed (status {status}): no figures reported", file=sys.stderr)
        return status
    rows = [
        ("import files tried (mutated JSON and CSV)", totals["import files tried"]),
        ("... refused with per-problem messages, database unchanged",
         totals["bad import files refused"]),
        ("form inputs tried (every write command)", totals["form inputs tried"]),
        ("... refused with per-field errors, database unchanged",
         totals["bad form inputs refused"]),
        ("SIGKILLs during a large import survived", totals["kills survived (import)"]),
        ("SIGKILLs during form saves survived", totals["kills survived (form save)"]),
        ("records lost", totals["records lost"]),
        ("exports (JSON and CSV) imported again, each changing nothing",
         totals["export re-imports tried"]),
        ("partial JSON updates checked field by field", totals["partial updates tried"]),
        ("... refused, nothing written", totals["partial updates refused, nothing written"]),
        ("recorded values lost by an import", totals["recorded values lost"]),
        ("import files with hostile text (JSON and CSV)", totals["hostile import files tried"]),
        ("... refused with per-problem messages, database unchanged",
         totals["hostile import files refused, database unchanged"]),
        ("... accepted, kept exactly, round-tripped through CSV",
         totals["hostile values round-tripped through CSV"]),
        ("hostile texts shown by 7 cin outputs (stored with sqlite3)",
         totals["hostile texts shown by 7 cin outputs"]),
        ("tracebacks shown", totals["tracebacks"]),
        ("partial writes", totals["partial writes"]),
        ("raw control characters emitted", totals["raw control characters emitted"]),
    ]
    print("\n| what | count |\n| --- | ---: |")
    for label, count in rows:
        print(f"| {label} | {count} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
