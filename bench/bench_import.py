"""Import an authority-sized caseload through the real `cin import` path, against plain sqlite3.

    .venv/bin/python bench/bench_import.py [--children 20000] [--seed 2026] [--keep]

Generates a JSON import file (20,000 children, each with a year of visits about every 15 working
days and CIN meetings about every 6 weeks), imports it into an empty database with
`cin_tui.importer` (read, check every record, write in one transaction, commit), and times plain
`sqlite3` `executemany` inserting the same rows into an empty database with the same schema and
the same connection settings (WAL, synchronous=FULL, foreign keys on), also in one transaction.
Prints rows per second for both and the ratio. Files go to bench/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cin_tui.importer import import_parsed, read_case_file  # noqa: E402
from models.db import open_database  # noqa: E402
from policies.calendar import WorkingCalendar  # noqa: E402
from policies.packs import load_policies  # noqa: E402

TODAY = date(2026, 11, 23)
POLICIES = ("wirral", "rochdale", "camden", "trafford", "leicestershire")
VOICES = (
    "Said school is OK and she likes art.",
    "Wants to see Dad more often.",
    "Showed me his bedroom and his new bike.",
    "Worried about Mum being tired all the time.",
    "Said home is calmer now.",
)


def generate(children: int, seed: int, calendar: WorkingCalendar) -> dict:
    rng = random.Random(seed)
    workers = [f"Worker {n:03d}" for n in range(1, children // 60 + 2)]
    cases = []
    for i in range(1, children + 1):
        allocated = calendar.add_working_days(TODAY, -(255 + rng.randrange(40)))
        dob = date(rng.randrange(2009, 2024), rng.randrange(1, 13), rng.randrange(1, 29))
        first = calendar.add_working_days(allocated, 2)
        assessed = calendar.add_working_days(allocated, 30)
        closed = i % 20 == 0
        visits, day = [], first
        while day <= TODAY:
            alone = rng.random() < 0.9
            visits.append({
                "date": day.isoformat(), "seen": True, "seen_alone": alone,
                "not_alone_reason": None if alone else "Parent present at the child's request.",
                "childs_voice": rng.choice(VOICES), "location": rng.choice(("home", "school")),
                "recorded": min(calendar.add_working_days(day, 1), TODAY).isoformat(),
            })
            day = calendar.add_working_days(day, 15)
        meetings, day, kind = [], calendar.add_working_days(assessed, 10), "initial"
        while day <= TODAY:
            meetings.append({
                "kind": kind, "status": "held", "date": day.isoformat(),
                "chair_role": "social_worker",
                "circulated": min(calendar.add_working_days(day, 5), TODAY).isoformat(),
            })
            day, kind = calendar.add_working_days(day, 30), "review"
        if not closed:
            meetings.append({"kind": "review", "status": "booked", "date": day.isoformat()})
        cases.append({
            "ref": f"B-{i:06d}", "name": f"Bench Child {i}", "dob": dob.isoformat(),
            "policy": POLICIES[i % len(POLICIES)] if i % 3 == 0 else "wirral",
            "worker": workers[i % len(workers)], "team": f"Team {i % 30:02d}",
            "family": f"F{i // 3:06d}", "disabled": i % 17 == 0,
            "visit_every": "15wd" if i % 5 == 0 else None,
            "allocated": allocated.isoformat(), "assessment_completed": assessed.isoformat(),
            "plan_started": meetings[0]["date"] if meetings else None,
            "visits": visits, "meetings": meetings,
            "closure": {"date": TODAY.isoformat(), "reason": "RC7"} if closed else None,
        })
    return {"cases": cases}


def count_write_transactions():
    """Count BEGIN IMMEDIATE (a write transaction) on any engine."""
    from sqlalchemy import Engine, event

    counter = {"writes": 0}

    def before(conn, cursor, statement, *args):
        if statement.strip().upper().startswith("BEGIN IMMEDIATE"):
            counter["writes"] += 1

    event.listen(Engine, "before_cursor_execute", before)
    return counter


def baseline(path: Path, parsed) -> tuple[float, float, int]:
    """Plain sqlite3 executemany of the same rows into the same (empty, migrated) schema."""
    open_database(path).dispose()
    workers = sorted({c.worker for c in parsed.cases if c.worker})
    worker_rows = [(n, name, None) for n, name in enumerate(workers, start=1)]
    worker_id = {name: n for n, name, _ in worker_rows}
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    case_rows, visit_rows, meeting_rows, closure_rows, audit_rows = [], [], [], [], []
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    for case_id, c in enumerate(parsed.cases, start=1):
        case_rows.append((
            case_id, c.ref, c.name, iso(c.dob), worker_id.get(c.worker), c.team, c.policy,
            c.family, c.disabled, c.private_fostering,
            f"{c.visit_every.count}wd" if c.visit_every else None, iso(c.allocated),
            iso(c.assessment_completed), iso(c.plan_started), None, None, None, now, now,
        ))
        for v in c.visits:
            visit_rows.append((case_id, iso(v.date), v.seen, v.seen_alone, v.not_alone_reason,
                               v.childs_voice, v.location, iso(v.recorded)))
        for m in c.meetings:
            meeting_rows.append((case_id, m.kind, m.status, iso(m.date), m.chair, m.chair_role,
                                 m.family_attended, iso(m.circulated), iso(m.cancelled_on),
                                 m.cancel_reason))
        if c.closure:
            closure_rows.append((case_id, iso(c.closure.date), c.closure.reason, None, False,
                                 None, None))
        audit_rows.append((now, "bench", "import", c.ref, "Imported a new case",
                           json.dumps({"name": c.name, "allocated": iso(c.allocated)})))
    rows = (len(worker_rows) + len(case_rows) + len(visit_rows) + len(meeting_rows)
            + len(closure_rows) + len(audit_rows))
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    start, cpu = time.perf_counter(), time.process_time()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany("INSERT INTO workers (id, name, team) VALUES (?, ?, ?)", worker_rows)
    connection.executemany(
        "INSERT INTO cases (id, ref, name, dob, worker_id, team, policy_id, family, disabled, "
        "private_fostering, visit_every, allocated, assessment_completed, plan_started, "
        "stepped_down_from, stepped_down_on, events, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", case_rows)
    connection.executemany(
        "INSERT INTO visits (case_id, date, seen, seen_alone, not_alone_reason, childs_voice, "
        "location, recorded) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", visit_rows)
    connection.executemany(
        "INSERT INTO meetings (case_id, kind, status, date, chair, chair_role, family_attended, "
        "circulated, cancelled_on, cancel_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        meeting_rows)
    connection.executemany(
        "INSERT INTO closures (case_id, date, reason, note, step_down_to_early_help, "
        "lead_professional, checklist) VALUES (?, ?, ?, ?, ?, ?, ?)", closure_rows)
    connection.executemany(
        "INSERT INTO audit_log (at, actor, action, case_ref, summary, after) "
        "VALUES (?, ?, ?, ?, ?, ?)", audit_rows)
    connection.execute("COMMIT")
    elapsed, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    connection.close()
    return elapsed, cpu_seconds, rows


def table_rows(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return sum(connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                   for table in ("workers", "cases", "visits", "meetings", "closures", "audit_log"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep bench/out/ afterwards")
    args = parser.parse_args()

    out = ROOT / "bench" / "out" / "import"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    calendar = WorkingCalendar()
    source = out / "authority.json"
    started = time.perf_counter()
    source.write_text(json.dumps(generate(args.children, args.seed, calendar)), encoding="utf-8")
    print(f"Generated {source} ({source.stat().st_size / 1e6:.0f} MB) in "
          f"{time.perf_counter() - started:.1f} s")

    policies = load_policies(None)
    database = out / "cin.db"
    open_database(database).dispose()  # the schema, made in advance as for the baseline
    writes = count_write_transactions()
    start, cpu = time.perf_counter(), time.process_time()
    parsed = read_case_file(source)
    read_seconds, read_cpu = time.perf_counter() - start, time.process_time() - cpu
    if parsed.problems:
        print("\n".join(p.render(str(source)) for p in parsed.problems[:10]))
        return 1
    start, cpu = time.perf_counter(), time.process_time()
    report = import_parsed(parsed, database=database, actor="bench", policies=policies,
                           today=TODAY)
    import_seconds, import_cpu = time.perf_counter() - start, time.process_time() - cpu
    import_writes = writes["writes"]
    rows = table_rows(database)

    baseline_seconds, baseline_cpu, baseline_rows = baseline(out / "baseline.db", parsed)
    if baseline_rows != rows:
        print(f"row counts differ: import wrote {rows}, baseline {baseline_rows}")
        return 1

    summary = report.summary
    print(f"\n{len(parsed.cases):,} children: {summary.visits.added:,} visits, "
          f"{summary.meetings.added:,} meetings, {summary.closures.added:,} closures; "
          f"{rows:,} rows in all (with workers and one audit entry per case).")
    whole = " (the whole import in one)" if import_writes == 1 else ""
    print(f"Write transactions in the import: {import_writes}{whole}.\n")
    lines = [
        ("plain sqlite3 executemany (insert only)", baseline_seconds, baseline_cpu),
        ("cin import: check + write + commit", import_seconds, import_cpu),
        ("cin import: + reading and parsing the JSON", import_seconds + read_seconds,
         import_cpu + read_cpu),
    ]
    print(f"| {'path':<46} | {'seconds':>7} | {'CPU s':>6} | {'rows/s':>9} | {'vs sqlite3':>10} |")
    print(f"| {'-' * 46} | {'-' * 7}:| {'-' * 6}:| {'-' * 9}:| {'-' * 10}:|")
    for label, seconds, cpu_seconds in lines:
        print(f"| {label:<46} | {seconds:7.2f} | {cpu_seconds:6.2f} | {rows / seconds:9,.0f} | "
              f"{seconds / baseline_seconds:9.1f}x |")
    print("\n(rows/s and the ratio use elapsed time, which includes waiting for the disk; CPU s is"
          "\nthis process's own CPU time, steadier on a busy machine.)")
    print("\nAim: the import (check + write + commit) within 3x of plain sqlite3.")
    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
