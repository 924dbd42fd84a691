"""`cin team`: the team view's figures as text (one line per worker), `--trends` the monthly
trends of the last 12 months, `--json` both for other programs. The same
`CaseloadService.team_overview` the team view draws (models.supervision, models.trends).
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from cin_tui.cli_errors import CliError
from models.trends import MEASURE_TITLES, MEASURES, Measures, total
from policies.dates import format_date
from policies.replay import Timeliness
from policies.safe_text import safe_text

if TYPE_CHECKING:
    from models.service import CaseloadService
    from models.supervision import TeamOverview, WorkerLine

NOT_ALLOCATED = "Not allocated"
# Wide enough that every month shows its counts ("12/17 71%"): this is text, not a screen.
TEXT_WIDTH = 400


class Context(Protocol):
    """What this command uses of `cin_tui.cli.Context` (not imported: cin_tui.cli imports
    this module)."""

    args: argparse.Namespace

    @property
    def today(self) -> date: ...

    def existing_service(self) -> CaseloadService: ...


def visible(message: str) -> str:
    """As cin_tui.cli.visible: control characters shown, never obeyed."""
    return safe_text(message, multiline=True)


def add_team_commands(commands: argparse._SubParsersAction,
                      common: argparse.ArgumentParser) -> None:
    """Add `cin team` to the `cin` command's subcommands."""
    team = commands.add_parser(
        "team", parents=[common],
        help="each worker's figures (the team view), with --trends by month",
        description="One line per worker of every team (the t key's team view), with their "
                    "open cases: visits in time, meetings on time and notes circulated on time in "
                    "the 3 months to today. --trends adds each measure per calendar month over "
                    "the last 12 months (the last to today), for each worker and the team; "
                    "'n/a' is a month with nothing to count. The measures count the cases "
                    "closed in those months too, up to their closure, under the worker each "
                    "is allocated to. What each measure counts is written under the team "
                    "view's table (and in the README).",
    )
    team.add_argument("--team", metavar="NAME",
                      help="only this team's workers (default: every team)")
    team.add_argument("--trends", action="store_true",
                      help="also the figures for each of the last 12 months")
    team.add_argument("--json", action="store_true",
                      help="print JSON (the current figures and the months) instead of text")
    team.set_defaults(run=run_team)


def run_team(context: Context) -> int:
    args = context.args
    with context.existing_service() as service:
        overview = service.team_overview()
    if args.team is not None and args.team not in overview.teams:
        listed = ", ".join(overview.teams) or "none yet"
        raise CliError(f"no team called {args.team!r} has open cases; teams: {listed}")
    lines = overview.of_team(args.team)
    if args.json:
        print(json.dumps(_as_json(overview, lines, args.team), indent=2))
        return 0
    start, end = overview.window
    if not lines:
        print("No open cases.")
        return 0
    print(visible(f"{args.team or 'All teams'}: 3 months to today "
                  f"({format_date(start)} to {format_date(end)})"))
    for line in lines:
        print(visible(_current_line(f"{line.team} · {_worker(line)}",
                                    line.current, line.cases, len(line.closed))))
    print(visible(_current_line("Total", total(line.current for line in lines),
                                sum(line.cases for line in lines),
                                sum(len(line.closed) for line in lines))))
    if args.trends:
        from screens.widgets.trends import TrendRow, figures_text

        rows = [TrendRow(_worker(line), line.months) for line in lines]
        rows.append(TrendRow("Total", _months_total(lines), total=True))
        print()
        first, last = overview.periods[0], overview.periods[-1]
        print(f"By month, 1 {first.label} to {format_date(last.end)} (in time/counted, share):")
        for text_line in figures_text(overview.periods, rows, TEXT_WIDTH).plain.splitlines():
            print(visible(text_line.rstrip()))
    return 0


def _worker(line: WorkerLine) -> str:
    return line.worker or NOT_ALLOCATED


def _current_line(label: str, measures: Measures, cases: int, closed: int) -> str:
    figures = " · ".join(f"{MEASURE_TITLES[m].lower()} {measures.of(m).words()}"
                         for m in MEASURES)
    counted = f" (and {closed} closed, counted up to the closure)" if closed else ""
    return f"{label}: {cases} open case{'s' if cases != 1 else ''}{counted} · {figures}"


def _months_total(lines: tuple[WorkerLine, ...]) -> tuple[Measures, ...]:
    count = len(lines[0].months) if lines else 0
    return tuple(total(line.months[i] for line in lines) for i in range(count))


def _timeliness(t: Timeliness) -> dict[str, Any]:
    share = t.share
    return {"counted": t.counted, "in_time": t.in_time,
            "share": None if share is None else round(share, 4)}


def _measures(m: Measures) -> dict[str, Any]:
    return {name: _timeliness(m.of(name)) for name in MEASURES}


def _as_json(overview: TeamOverview, lines: tuple[WorkerLine, ...],
             team: str | None) -> dict[str, Any]:
    start, end = overview.window
    return {
        "today": overview.today.isoformat(),
        "team": team,
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "months": [{"month": p.label, "start": p.start.isoformat(), "end": p.end.isoformat()}
                   for p in overview.periods],
        "workers": [
            {"team": line.team, "worker": line.worker, "cases": line.cases,
             "closed_cases": len(line.closed),
             "current": _measures(line.current),
             "months": [_measures(m) for m in line.months]}
            for line in lines
        ],
        "total": {"cases": sum(line.cases for line in lines),
                  "closed_cases": sum(len(line.closed) for line in lines),
                  "current": _measures(total(line.current for line in lines)),
                  "months": [_measures(m) for m in _months_total(lines)]},
    }
