"""Many clients at once on a team server (issue 13's first goal: 50 concurrent clients logging
visits, booking meetings and reading the caseload against a team database of 20,000 children for
60 s: 0 lost updates, 0 errors other than the documented conflict, p50/p95 save latency and
throughput reported).

    eval "$(bash tools/test_postgres.sh start)"
    .venv/bin/python bench/bench_team_load.py [--children 20000] [--clients 50] [--seconds 60]
    bash tools/test_postgres.sh stop "$CIN_PG_FOLDER"

`--server` (default: `CIN_TEST_POSTGRES`) is a superuser URL; the bench creates its database in
it and drops it at the end (`--keep` keeps it). The data is `bench_import.generate`'s caseload
(a year of visits and meetings per child, every 20th case closed), imported through the real
`cin import` path.

Each client is its own process with its own `CaseloadService` (as the superuser: roles are not
what this measures) and loops until the time is up, on a random open case:

- 40%: log a visit against the version it read first (`case_detail`, what a form shows), on a
  case from a small "hot" set most of the time, so that clients really do collide and the
  second save is refused with `ChangedMeanwhile` (the documented conflict);
- 20%: log a visit without a version (the CLI's plain `cin visit`);
- 20%: book a review meeting;
- 20%: read one worker's caseload (`caseload(worker=...)`, what `cin due --worker` reads).

While they run, the bench samples the server's `pg_stat_activity` every half second: the most
client connections "idle in transaction" at once (a transaction left open while the client
works in Python) and the longest such wait, apart for transactions that have written (they
hold row locks other clients may wait for) and those that have only read (a snapshot). Each
client counts psycopg's warnings (its logger), such as "error ignored terminating
<psycopg.Pipeline [INERROR]>: pipeline aborted", which psycopg logs when a statement of a
large executemany fails part way (a lock timeout, say) and the error is raised to the caller.

Every acknowledged save (the call returned its id) is kept with its case, kind, id and actor.
Afterwards one connection checks that each is in its table on its case and has its audit entry
(same action, case, actor and row id), and that no two audit entries of the run claim the same
version of a case (two saves that both thought they made version n: one would have overwritten
the other's view). A missing save, audit entry or duplicated version is a lost update.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import ROOT, SETTINGS, TODAY

sys.path.insert(0, str(ROOT))
from bench_team_server import Server, load
from models.errors import ChangedMeanwhile
from models.inputs import VisitInput
from models.service import CaseloadService

HOT_CASES = 10  # the cases most versioned visits go to, so that clients collide
HOT_SHARE = 0.7


@dataclass
class Save:
    kind: str  # "log_visit" or "book_meeting": the audit action too
    ref: str
    row_id: int
    actor: str
    seconds: float


@dataclass
class ClientResult:
    actor: str
    saves: list[Save] = field(default_factory=list)
    reads: list[float] = field(default_factory=list)
    conflicts: int = 0
    conflict_latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    error_samples: dict[str, str] = field(default_factory=dict)
    driver_warnings: list[str] = field(default_factory=list)
    finished: float = 0.0  # time.time() when its last operation ended


def client(number: int, url: str, refs: list[str], workers: list[str], start: Any,
           seconds: float) -> ClientResult:
    """One client: opens its service, says so on `start.ready`, waits for `start.go` (set
    once every client is open), then works until `seconds` after `start.at`."""
    actor = f"load client {number:02d}"
    result = ClientResult(actor=actor)
    logging.getLogger("psycopg").addHandler(_Kept(result.driver_warnings))
    rng = random.Random(number)
    hot = refs[:HOT_CASES]
    service = CaseloadService(database=url, settings_dir=SETTINGS, today=TODAY, actor=actor)
    try:
        service.open()
    except Exception as error:  # counted, never a traceback mid-run
        _error(result, error)
        start.ready.put(number)
        return result
    start.ready.put(number)
    start.go.wait()
    end = start.at.value + seconds
    while time.time() < end:
        roll = rng.random()
        try:
            if roll < 0.4:
                ref = rng.choice(hot) if rng.random() < HOT_SHARE else rng.choice(refs)
                version = service.case_detail(ref).version
                _save(result, "log_visit", ref, lambda r=ref, v=version: service.log_visit(
                    r, _visit(rng), confirmed=True, expected_version=v))
            elif roll < 0.6:
                ref = rng.choice(refs)
                _save(result, "log_visit", ref,
                      lambda r=ref: service.log_visit(r, _visit(rng), confirmed=True))
            elif roll < 0.8:
                ref = rng.choice(refs)
                when = TODAY + timedelta(days=rng.randrange(1, 40))
                _save(result, "book_meeting", ref,
                      lambda r=ref, d=when: service.book_meeting(ref=r, kind="review", date=d))
            else:
                started = time.perf_counter()
                service.caseload(worker=rng.choice(workers))
                result.reads.append(time.perf_counter() - started)
        except ChangedMeanwhile:
            result.conflicts += 1
        except Exception as error:  # every other error is counted and shown
            _error(result, error)
    service.close()
    result.finished = time.time()
    return result


class _Kept(logging.Handler):
    """Keeps the text of each warning psycopg logs (they would only go to stderr)."""

    def __init__(self, kept: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.kept = kept

    def emit(self, record: logging.LogRecord) -> None:
        self.kept.append(record.getMessage()[:300])


Sample = tuple[int, float, str]  # (how many, the longest in seconds, its last statement)


def _sample_server(url: str, sampled: dict[str, list[Sample]]) -> None:
    """One sample of the clients' connections idle in a transaction: those that have written
    (they hold row locks others may wait for) and those that have only read (a snapshot)."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as db:
        rows = db.execute(
            "SELECT backend_xid IS NOT NULL, EXTRACT(EPOCH FROM now() - state_change), query "
            "FROM pg_stat_activity WHERE application_name = 'cin' "
            "AND state = 'idle in transaction' ORDER BY 2 DESC").fetchall()
    for kind, wrote in (("writing", True), ("reading", False)):
        mine = [(float(seconds), query) for written, seconds, query in rows if written == wrote]
        longest, query = mine[0] if mine else (0.0, "")
        sampled.setdefault(kind, []).append((len(mine), longest, " ".join(query.split())[:80]))


@dataclass
class _Start:
    """The start line the clients share (multiprocessing manager proxies)."""

    ready: Any  # each client puts its number once open
    go: Any  # set when every client is open
    at: Any  # the time.time() the run starts


def _visit(rng: random.Random) -> VisitInput:
    return VisitInput(date=TODAY, seen=True, seen_alone=True, location="home",
                      childs_voice=f"Load test note {rng.randrange(10**6)}.")


def _save(result: ClientResult, kind: str, ref: str, call: Any) -> None:
    started = time.perf_counter()
    try:
        row_id = call()
    except ChangedMeanwhile:
        result.conflict_latencies.append(time.perf_counter() - started)
        raise
    result.saves.append(Save(kind, ref, int(row_id), result.actor,
                             time.perf_counter() - started))


def _error(result: ClientResult, error: Exception) -> None:
    name = type(error).__name__
    result.errors[name] += 1
    result.error_samples.setdefault(name, "".join(
        traceback.format_exception_only(type(error), error)).strip()[:400])


def check(url: str, saves: list[Save]) -> tuple[int, list[str]]:
    """Lost updates: acknowledged saves missing from their table, or without their audit
    entry, and versions of a case claimed by two audit entries of the run."""
    import json

    import psycopg

    problems: list[str] = []
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as db:
        visits = set(db.execute("SELECT v.id, c.ref FROM visits v JOIN cases c "
                                "ON c.id = v.case_id").fetchall())
        meetings = set(db.execute("SELECT m.id, c.ref FROM meetings m JOIN cases c "
                                  "ON c.id = m.case_id").fetchall())
        audit: set[tuple[str, str, str, int]] = set()
        versions: Counter[tuple[str, int]] = Counter()
        for action, ref, actor, after, version in db.execute(
                "SELECT action, case_ref, actor, after, case_version FROM audit_log "
                "WHERE actor LIKE 'load client %'"):
            after = json.loads(after) if isinstance(after, str) else after
            audit.add((action, ref, actor, int(after["id"])))
            versions[(ref, version)] += 1
    lost = 0
    for save in saves:
        table = visits if save.kind == "log_visit" else meetings
        if (save.row_id, save.ref) not in table:
            lost += 1
            problems.append(f"{save.kind} {save.row_id} on {save.ref}: not in the database")
        if (save.kind, save.ref, save.actor, save.row_id) not in audit:
            lost += 1
            problems.append(f"{save.kind} {save.row_id} on {save.ref}: no audit entry")
    for (ref, version), count in versions.items():
        if count > 1:
            lost += count - 1
            problems.append(f"case {ref} version {version} claimed by {count} saves")
    if len(audit) != len(saves):
        problems.append(f"{len(audit)} audit entries of the run, {len(saves)} saves "
                        "acknowledged")
    return lost, problems


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--server", default=os.environ.get("CIN_TEST_POSTGRES", ""))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    if not args.server:
        print("no PostgreSQL server: pass --server URL or set CIN_TEST_POSTGRES "
              "(eval \"$(bash tools/test_postgres.sh start)\")", file=sys.stderr)
        return 2
    SETTINGS.mkdir(parents=True, exist_ok=True)
    server = Server(args.server)
    try:
        return run(server, args)
    finally:
        if not args.keep:
            server.drop_all()


def run(server: Server, args: argparse.Namespace) -> int:
    import json

    from bench_import import generate
    from policies.calendar import WorkingCalendar

    built = time.perf_counter()
    data = generate(args.children, 2026, WorkingCalendar())
    refs = [case["ref"] for case in data["cases"] if case["closure"] is None]
    workers = sorted({case["worker"] for case in data["cases"]})
    url = server.new_database(f"cin_bench_load_{os.getpid()}")
    with tempfile.TemporaryDirectory(prefix="cin-load-bench-") as scratch:
        source = Path(scratch) / "caseload.json"
        source.write_text(json.dumps(data), encoding="utf-8")
        del data
        load(source, url)
    print(f"{args.children} children ({len(refs)} open, {len(workers)} workers) generated and "
          f"imported in {time.perf_counter() - built:.1f} s")
    random.Random(0).shuffle(refs)

    context = multiprocessing.get_context("spawn")
    sampled: dict[str, list[Sample]] = {}
    with context.Manager() as manager, context.Pool(args.clients) as pool:
        # The clock starts once every client is open (opening 50 at once on a busy machine
        # can take longer than the run itself).
        start = _Start(manager.Queue(), manager.Event(), manager.Value("d", 0.0))
        running = pool.starmap_async(client, [
            (n, str(url), refs, workers, start, args.seconds)
            for n in range(1, args.clients + 1)])
        opening = time.perf_counter()
        for _ in range(args.clients):
            start.ready.get()
        start.at.value = start_at = time.time()
        start.go.set()
        print(f"{args.clients} clients opened in {time.perf_counter() - opening:.1f} s")
        while not running.ready():
            running.wait(0.5)
            _sample_server(str(url), sampled)
        results = running.get()
    saves = [save for result in results for save in result.saves]
    reads = [read for result in results for read in result.reads]
    conflicts = sum(result.conflicts for result in results)
    errors: Counter[str] = Counter()
    samples: dict[str, str] = {}
    for result in results:
        errors.update(result.errors)
        for name, sample in result.error_samples.items():
            samples.setdefault(name, sample)
    lost, problems = check(str(url), saves)
    # Each client finishes the operation it is in when the time is up: the run can overrun.
    elapsed = max(result.finished for result in results) - start_at

    latencies = [save.seconds for save in saves]
    print(f"\n{args.clients} clients for {args.seconds:.0f} s on {args.children} children "
          f"(the last client's last operation ended {elapsed:.0f} s after the start)")
    for kind in ("log_visit", "book_meeting"):
        taken = [s.seconds for s in saves if s.kind == kind]
        print(f"  {kind:<13} {len(taken):>7} saved   p50 {percentile(taken, 0.5) * 1000:7.1f} ms"
              f"   p95 {percentile(taken, 0.95) * 1000:7.1f} ms")
    print(f"  {'all saves':<13} {len(saves):>7} saved   p50 "
          f"{percentile(latencies, 0.5) * 1000:7.1f} ms   p95 "
          f"{percentile(latencies, 0.95) * 1000:7.1f} ms   "
          f"throughput {len(saves) / elapsed:.2f} saves/s over the {elapsed:.0f} s")
    print(f"  {'caseload read':<13} {len(reads):>7} reads   p50 "
          f"{percentile(reads, 0.5) * 1000:7.1f} ms   p95 {percentile(reads, 0.95) * 1000:7.1f} ms")
    mean_conflict = statistics.mean(
        [x for r in results for x in r.conflict_latencies] or [0.0]) * 1000
    print(f"  conflicts refused (ChangedMeanwhile, the documented message): {conflicts} "
          f"(mean {mean_conflict:.1f} ms)")
    for kind, snapshots in sampled.items():
        most = max((count for count, _seconds, _query in snapshots), default=0)
        longest = max(snapshots, key=lambda sample: sample[1]) if snapshots else (0, 0.0, "")
        print(f"  idle in transaction, {kind}: at most {most} clients at once, the longest "
              f"{longest[1]:.1f} s ({len(snapshots)} samples of pg_stat_activity; its last "
              f"statement: {longest[2]!r})")
    warnings = [w for result in results for w in result.driver_warnings]
    print(f"  psycopg warnings: {len(warnings)}" + (f"  e.g. {warnings[0]}" if warnings else ""))
    other = sum(errors.values())
    print(f"  other errors: {other}" + "".join(
        f"\n    {name}: {count}  e.g. {samples[name]}" for name, count in errors.items()))
    print(f"  lost updates: {lost}" + "".join(f"\n    {p}" for p in problems[:20]))
    met = lost == 0 and other == 0
    print(f"\ngoal (0 lost updates, 0 errors other than the conflict): "
          f"{'met' if met else 'NOT met'}")
    if conflicts == 0:
        print("(no conflict happened in this run: the conflict path was not exercised)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
