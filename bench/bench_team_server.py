"""A team server (PostgreSQL) against SQLite, side by side (issue 13's second goal: a manager's
team view of 200 cases and a worker's caseload of 25 open within 1.5x of the same over SQLite).

    eval "$(bash tools/test_postgres.sh start)"
    .venv/bin/python bench/bench_team_server.py [--runs 3] [--rounds 31] [--process-rounds 9]
    bash tools/test_postgres.sh stop "$CIN_PG_FOLDER"

`--server` (default: `CIN_TEST_POSTGRES`) is a superuser URL; the bench creates its two
databases in it (C collation, as the tests do) and drops them at the end.

The data: `bench_import.generate`'s caseload (a year of visits and meetings per child), with
every case open, all in one team ("Team 01"), 25 cases to each worker ("Worker 001".."008"),
imported through the real `cin import` path into an SQLite file and into a PostgreSQL database:

- the worker's database: 25 cases, all Worker 001's (a worker's laptop, or their start screen);
- the team's database: 200 cases, 8 workers (the manager's team, and the worker's 25 in it).

Each measure runs once, untimed, so that today's deadlines are stored on both engines (the
steady state all day after the first start). Then `--runs` runs, each of `--rounds` rounds in
which each measure runs on SQLite and on PostgreSQL one after the other, the order swapped
every other round (a shared 2-core machine: what one engine's turn suffers, the other's next
turn likely does too). Each run prints its medians and its ratio; the end, the medians and
quartiles over all rounds, each run's ratio and in how many runs the goal was met. Measures:

1. App start: what the App's start worker does (cin_tui/app.py `_start`) with a new
   `CaseloadService`, in this process (modules imported): `stored_caseload(limit=120)` (the
   first screen from the stored deadlines: plain sqlite3 on SQLite; on PostgreSQL it opens
   the engine, whose first connection asks one statement: models/server_start.py), `open()`,
   the caseload screen's `read_caseload`, `change_marker()`, and `close()`; worker's db;
2. the same as the first start of a day: each round a new `today` (the next day, the same on
   both engines), so the stored deadlines are checked against it, re-ordered or worked out
   again and stored;
3. caseload, warm: `read_caseload` again on an open service (connection pooled); worker's db;
4. worker's 25 in the team's database: `caseload(worker="Worker 001")` on an open service
   (what `cin due --worker` reads), connected as the superuser (row-level security not
   applied);
5. the same as Worker 001's own login: after `cin server init` and `cin server add-user`
   (models.server_roles: role worker, team "Team 01") the service connects as that login, so
   every statement passes the row-level security policies (SQLite has none: its figure is
   measure 4's, timed again);
6. team view: `team_overview()` on an open service over the team's database (200 cases);
7. `cin due --json` in a new process (`--process-rounds` a run): as a user or a script meets
   it, Python's start and cin's imports included; worker's db;
8. the App in a new process, headless (`App.run_test`), until the caseload shows its rows:
   Python's start, Textual's and cin's imports, the start worker and the first paint.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import partial
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import CIN, ROOT, SETTINGS, TODAY, env

sys.path.insert(0, str(ROOT))
from bench_import import generate
from cin_tui.app import FIRST_SCREEN_ROWS
from cin_tui.importer import import_parsed, read_case_file
from models.location import DatabaseLocation, ServerUrl
from models.service import CaseloadService
from policies.calendar import WorkingCalendar
from policies.packs import load_policies
from screens.caseload import read_caseload

GOAL = 1.5
TEAM = "Team 01"
WORKERS = 8
WORKER = "Worker 001"


def caseload_file(folder: Path, cases: int) -> Path:
    """`cases` open cases in one team, 25 to each worker, as a `cin import` JSON file."""
    data = generate(cases, 2026, WorkingCalendar())
    for i, case in enumerate(data["cases"]):
        case["team"] = TEAM
        case["worker"] = f"Worker {i % WORKERS + 1:03d}" if cases > 25 else WORKER
        if case["closure"] is not None:  # generate closes every 20th: here all are open
            case["closure"] = None
    path = folder / f"caseload-{cases}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def load(source: Path, database: DatabaseLocation) -> None:
    parsed = read_case_file(source)
    assert not parsed.problems, parsed.problems[:3]
    import_parsed(parsed, database=database, actor="bench", policies=load_policies(None),
                  today=TODAY)


class Server:
    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.made: list[str] = []
        self.logins: list[str] = []

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(sql.encode())

    def new_database(self, name: str) -> ServerUrl:
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self._admin(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
                    "LC_COLLATE 'C' LC_CTYPE 'C'")
        self.made.append(name)
        return ServerUrl(urlunsplit(urlsplit(self.admin_url)._replace(path=f"/{name}")))

    def add_worker(self, database: ServerUrl, login: str, full_name: str, team: str
                   ) -> ServerUrl:
        """`cin server init` on `database` and `cin server add-user` of a worker: the URL
        connecting as that login (the throwaway cluster trusts local connections)."""
        from models.server_roles import add_user, init_server

        init_server(database)
        self.logins.append(login)
        add_user(database, login, full_name=full_name, role="worker", team=team,
                 password=os.urandom(12).hex())
        parts = urlsplit(database.url)
        host = parts.netloc.rpartition("@")[2]
        return ServerUrl(urlunsplit(parts._replace(netloc=f"{login}@{host}")))

    def drop_all(self) -> None:
        for name in self.made:
            self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        for login in self.logins:  # once no database holds its grants
            self._admin(f'DROP ROLE IF EXISTS "{login}"')


def service(database: DatabaseLocation, today: date = TODAY) -> CaseloadService:
    return CaseloadService(database=database, settings_dir=SETTINGS, today=today, actor="bench")


STEPS = ("stored_caseload", "open", "read_caseload", "change_marker", "close")


def first_read(database: DatabaseLocation, steps: dict[str, list[float]],
               days: Iterator[date] | None = None) -> Callable[[], Any]:
    """The App's start, each step's time added to `steps`; with `days`, each call is the
    first start of a new day (its stored deadlines are not current: worked out and stored)."""
    def run() -> Any:
        started = service(database, next(days) if days else TODAY)
        clock = [time.perf_counter()]
        try:
            started.stored_caseload(limit=FIRST_SCREEN_ROWS)
            clock.append(time.perf_counter())
            started.open()
            clock.append(time.perf_counter())
            loaded = read_caseload(started, include_closed=False)
            clock.append(time.perf_counter())
            started.change_marker()
            clock.append(time.perf_counter())
        finally:
            started.close()
        clock.append(time.perf_counter())
        for step, before, after in zip(STEPS, clock, clock[1:], strict=False):
            steps.setdefault(step, []).append(after - before)
        return loaded
    return run


def new_process(database: DatabaseLocation) -> Callable[[], Any]:
    """`cin due --json` in a new process, as a user or a script runs it (Python's start and
    cin's imports included: the same on both engines)."""
    where = database.url if isinstance(database, ServerUrl) else str(database)
    command = [*CIN, "--db", where, "--today", TODAY.isoformat(), "due", "--json"]

    def run() -> Any:
        done = subprocess.run(command, env=env(), cwd=ROOT, capture_output=True, text=True,
                              check=True)
        return json.loads(done.stdout)
    return run


def app_process(database: DatabaseLocation) -> Callable[[], Any]:
    """The App in a new process, headless, until the caseload shows its rows (Python's start,
    cin's and Textual's imports, the start worker and the first paint), then quit."""
    where = database.url if isinstance(database, ServerUrl) else str(database)
    command = [sys.executable, str(Path(__file__).resolve()), "--paint", where]

    def run() -> Any:
        done = subprocess.run(command, env=env(), cwd=ROOT, capture_output=True, text=True,
                              check=True)
        return int(done.stdout.split()[-1])
    return run


def paint(where: str) -> int:
    """`app_process`'s child: prints how many rows the caseload showed."""
    import asyncio

    from cin_tui.app import make_app
    from models.location import location_of
    from screens.caseload import CaseloadScreen, CaseloadTable

    app = make_app(database_path=location_of(where), today=TODAY, settings_dir=SETTINGS,
                   cursor_blink=False)

    async def until_painted() -> int:
        async with app.run_test(size=(120, 36)) as pilot:
            while True:
                screen = app.screen
                if isinstance(screen, CaseloadScreen) and screen.loaded:
                    table = screen.query_one(CaseloadTable)
                    if table.row_count and table.render_line(1).text.strip():
                        return int(table.row_count)
                await pilot.pause(0.005)
    return asyncio.run(until_painted())


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] == ["--paint"]:
        print(paint(sys.argv[2]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=31, help="rounds a run, in-process")
    parser.add_argument("--process-rounds", type=int, default=9,
                        help="rounds a run of `cin due` in a new process (0: none)")
    parser.add_argument("--server", default=os.environ.get("CIN_TEST_POSTGRES", ""))
    args = parser.parse_args(argv)
    if not args.server:
        print("no PostgreSQL server: pass --server URL or set CIN_TEST_POSTGRES "
              "(eval \"$(bash tools/test_postgres.sh start)\")", file=sys.stderr)
        return 2
    SETTINGS.mkdir(parents=True, exist_ok=True)
    server = Server(args.server)
    with tempfile.TemporaryDirectory(prefix="cin-team-bench-") as scratch:
        folder = Path(scratch)
        try:
            return run(folder, server, args.runs, args.rounds, args.process_rounds)
        finally:
            server.drop_all()


Measures = dict[str, dict[str, Callable[[], Any]]]
ENGINES = ("SQLite", "PostgreSQL")


def run(folder: Path, server: Server, runs: int, rounds: int, process_rounds: int) -> int:
    built = time.perf_counter()
    worker_json, team_json = caseload_file(folder, 25), caseload_file(folder, 200)
    engines: dict[str, dict[str, DatabaseLocation]] = {
        "SQLite": {"worker": folder / "worker.db", "team": folder / "team.db"},
        "PostgreSQL": {"worker": server.new_database(f"cin_bench_worker_{os.getpid()}"),
                       "team": server.new_database(f"cin_bench_team_{os.getpid()}")},
    }
    for places in engines.values():
        load(worker_json, places["worker"])
        load(team_json, places["team"])
    team_url = engines["PostgreSQL"]["team"]
    assert isinstance(team_url, ServerUrl)
    as_worker = server.add_worker(team_url, f"bench_worker_{os.getpid()}", WORKER, TEAM)
    open_services = {name: {kind: service(place).open() for kind, place in places.items()}
                     for name, places in engines.items()}
    open_services["PostgreSQL"]["team as worker"] = service(as_worker).open()
    open_services["SQLite"]["team as worker"] = service(engines["SQLite"]["team"]).open()
    measures: Measures = {}
    processes: Measures = {}
    steps: dict[str, dict[str, list[float]]] = {name: {} for name in engines}
    day_steps: dict[str, dict[str, list[float]]] = {name: {} for name in engines}
    for name, places in engines.items():
        warm = open_services[name]
        # Each engine's days in the same order: round n is the same new day on both.
        days = (TODAY + timedelta(days=n) for n in count(1))
        measures.setdefault("caseload of 25, App start", {})[name] = \
            first_read(places["worker"], steps[name])
        measures.setdefault("caseload of 25, App start, first of a day", {})[name] = \
            first_read(places["worker"], day_steps[name], days)
        measures.setdefault("caseload of 25, warm read", {})[name] = \
            partial(read_caseload, warm["worker"], include_closed=False)
        measures.setdefault("worker's 25 in the team database", {})[name] = \
            partial(warm["team"].caseload, worker=WORKER)
        measures.setdefault("the same, as the worker's login (RLS)", {})[name] = \
            partial(warm["team as worker"].caseload, worker=WORKER)
        measures.setdefault("team view of 200 cases", {})[name] = \
            warm["team"].team_overview
        processes.setdefault("`cin due`, a new process (25 cases)", {})[name] = \
            new_process(places["worker"])
        processes.setdefault("the App in a new process, first paint", {})[name] = \
            app_process(places["worker"])
    # As installed: cin's modules byte-compiled (pip does it; with PYTHONDONTWRITEBYTECODE set
    # a new process would otherwise compile every changed module again, on both engines).
    subprocess.run([sys.executable, "-m", "compileall", "-q", "cin_tui", "models", "policies",
                    "screens"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    # The untimed first pass stores today's deadlines on both engines, and checks the data.
    for measure, by_engine in (*measures.items(), *processes.items()):
        for name, call in by_engine.items():
            check(measure, name, call())
    for by_step in (*steps.values(), *day_steps.values()):
        by_step.clear()  # the untimed pass is not a figure
    print(f"data built, imported and primed in {time.perf_counter() - built:.1f} s")

    every: dict[str, dict[str, list[float]]] = {m: {n: [] for n in ENGINES}
                                                for m in (*measures, *processes)}
    ratios: dict[str, list[float]] = {m: [] for m in every}
    for number in range(1, runs + 1):
        taken = time_rounds(measures, rounds)
        if process_rounds:
            taken.update(time_rounds(processes, process_rounds))
        print(f"\nrun {number} of {runs} ({rounds} rounds, {process_rounds} of the process; "
              f"load average {os.getloadavg()[0]:.1f}); medians in ms, goal {GOAL}x")
        for measure, by_engine in taken.items():
            lite, pg = (statistics.median(by_engine[n]) * 1000 for n in ENGINES)
            ratios[measure].append(pg / lite)
            for name in ENGINES:
                every[measure][name].extend(by_engine[name])
            print(f"  {measure:<44} {lite:>8.1f} {pg:>8.1f} {pg / lite:>6.2f}x  "
                  f"{'met' if pg / lite <= GOAL else 'NOT met'}")
    for by_kind in open_services.values():
        for opened in by_kind.values():
            opened.close()
    report(every, ratios)
    for title, by_engine in (("App start", steps), ("first start of a day", day_steps)):
        print(f"\n{title}, by step (medians in ms, SQLite / PostgreSQL):")
        for step in STEPS:
            print(f"  {step:<20} {statistics.median(by_engine['SQLite'][step]) * 1000:>8.1f} "
                  f"{statistics.median(by_engine['PostgreSQL'][step]) * 1000:>8.1f}")
    return 0


def time_rounds(measures: Measures, rounds: int) -> dict[str, dict[str, list[float]]]:
    """Each measure on both engines each round, the order swapped every other round."""
    taken: dict[str, dict[str, list[float]]] = {m: {n: [] for n in ENGINES} for m in measures}
    for number in range(rounds):
        for measure, by_engine in measures.items():
            for name in ENGINES if number % 2 == 0 else ENGINES[::-1]:
                start = time.perf_counter()
                by_engine[name]()
                taken[measure][name].append(time.perf_counter() - start)
    return taken


def report(every: dict[str, dict[str, list[float]]], ratios: dict[str, list[float]]) -> None:
    print(f"\nall runs: medians and quartiles in ms; the ratio per run; goal {GOAL}x")
    print(f"{'measure':<44} {'SQLite (q1-q3)':>20} {'PostgreSQL (q1-q3)':>20}  per run   met")
    for measure, by_engine in every.items():
        if not by_engine["SQLite"]:
            continue
        cells = []
        for name in ENGINES:
            q1, q2, q3 = (q * 1000 for q in statistics.quantiles(by_engine[name], n=4))
            cells.append(f"{q2:.1f} ({q1:.1f}-{q3:.1f})")
        met = sum(ratio <= GOAL for ratio in ratios[measure])
        shown = ", ".join(f"{ratio:.2f}" for ratio in ratios[measure])
        print(f"{measure:<44} {cells[0]:>20} {cells[1]:>20}  {shown}  "
              f"{met} of {len(ratios[measure])}")


def check(measure: str, engine: str, result: Any) -> None:
    """Each measure reads what it says it does, on both engines."""
    if measure.startswith("`cin due`"):
        cases, expected = len({row["ref"] for row in result}), 25
    elif measure.startswith("the App"):
        cases, expected = result, 25
    elif measure.startswith("team view"):
        cases = sum(len(line.refs) for line in result.lines)
        expected = 200
    elif measure.startswith(("worker's", "the same")):
        cases, expected = len(result), 25
    else:
        cases, expected = len(result.lines), 25
    if cases != expected:
        raise SystemExit(f"{measure} on {engine}: {cases} cases, expected {expected}")


if __name__ == "__main__":
    sys.exit(main())
