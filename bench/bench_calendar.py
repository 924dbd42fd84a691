"""Working-day offsets per second: WorkingCalendar.add_working_days next to numpy.busday_offset.

Run: .venv/bin/python bench/bench_calendar.py [--pairs 200000] [--seed 2026]

Both get the same random (date, offset) pairs (dates 2000-2060, offsets -400..400) and the same
days off (England & Wales bank holidays plus a council Christmas shutdown), and must give
identical answers for every pair before any figure is printed. numpy is a bench-only extra
(`pip install -e '.[bench]'`); policies/ never imports it.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import holidays

from policies.calendar import WorkingCalendar

FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2060, 12, 31)
MAX_OFFSET = 400
REPEATS = 5
AIM_RATIO = 10.0


def christmas_shutdowns() -> list[date]:
    """A council closed 29-31 Dec every year (weekend dates included: both must ignore them)."""
    return [date(year, 12, day) for year in range(1990, 2101) for day in (29, 30, 31)]


def random_pairs(count: int, seed: int) -> tuple[list[date], list[int]]:
    rng = random.Random(seed)
    first, last = FIRST_DATE.toordinal(), LAST_DATE.toordinal()
    days = [date.fromordinal(rng.randint(first, last)) for _ in range(count)]
    offsets = [rng.randint(-MAX_OFFSET, MAX_OFFSET) for _ in range(count)]
    return days, offsets


def best_of(repeats: int, run) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def numpy_add_working_days(days: np.ndarray, offsets: np.ndarray, days_off: np.ndarray):
    """numpy's equivalent of add_working_days: same answer for every date and offset.

    Ours counts from d itself, even when d is not a working day. numpy first rolls d onto a
    working day and then counts from there, so the roll must go the opposite way to the count:
    - n > 0, roll="backward": d rolls back to the last working day r <= d. There is no working
      day in (r, d], so the n-th working day after r is the n-th after d.
    - n < 0, roll="forward": d rolls on to the first working day r >= d. There is no working day
      in [d, r), so the |n|-th working day before r is the |n|-th before d.
    - n == 0 returns d unchanged (numpy would roll a weekend d onto a working day).
    """
    result = days.copy()
    ahead, back = offsets > 0, offsets < 0
    result[ahead] = np.busday_offset(days[ahead], offsets[ahead], roll="backward",
                                     holidays=days_off)
    result[back] = np.busday_offset(days[back], offsets[back], roll="forward",
                                    holidays=days_off)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    shutdowns = christmas_shutdowns()
    started = time.perf_counter()
    calendar = WorkingCalendar(closure_days=shutdowns)
    construction = time.perf_counter() - started  # includes holidays' first load of its UK data
    construction_again, _ = best_of(REPEATS, lambda: WorkingCalendar(closure_days=shutdowns))

    days, offsets = random_pairs(args.pairs, args.seed)
    bank_holidays = list(holidays.UK(subdiv="ENG", years=range(1990, 2101)))
    days_off = np.array(sorted(set(bank_holidays) | set(shutdowns)), dtype="datetime64[D]")
    np_days = np.array(days, dtype="datetime64[D]")
    np_offsets = np.array(offsets, dtype=np.int64)

    add = calendar.add_working_days
    ours_seconds, ours = best_of(
        REPEATS, lambda: [add(d, n) for d, n in zip(days, offsets, strict=True)]
    )
    numpy_seconds, theirs = best_of(
        REPEATS, lambda: numpy_add_working_days(np_days, np_offsets, days_off)
    )
    one_call_seconds, _ = best_of(
        REPEATS,
        lambda: np.busday_offset(np_days, np_offsets, roll="forward", holidays=days_off),
    )

    mismatches = np.flatnonzero(np.array(ours, dtype="datetime64[D]") != theirs)
    if mismatches.size:
        for index in mismatches[:10]:
            print(f"MISMATCH {days[index]} {offsets[index]:+d}: "
                  f"ours {ours[index]}, numpy {theirs[index]}")
        print(f"{mismatches.size} of {args.pairs} pairs differ")
        return 1

    ours_rate = args.pairs / ours_seconds
    numpy_rate = args.pairs / numpy_seconds
    ratio = numpy_rate / ours_rate
    rows = [
        ("WorkingCalendar.add_working_days (scalar loop)", f"{ours_rate:,.0f}"),
        ("numpy.busday_offset, same semantics (vectorised)", f"{numpy_rate:,.0f}"),
        ("numpy.busday_offset, one plain roll='forward' call",
         f"{args.pairs / one_call_seconds:,.0f}"),
    ]
    print(f"{args.pairs:,} random (date, offset) pairs, dates {FIRST_DATE}..{LAST_DATE}, "
          f"offsets -{MAX_OFFSET}..{MAX_OFFSET}, {len(days_off)} days off; best of {REPEATS}")
    print(f"identical results: all {args.pairs:,} pairs\n")
    width = max(len(name) for name, _ in rows)
    print(f"{'offsets per second':<{width}}  {'rate':>12}")
    for name, rate in rows:
        print(f"{name:<{width}}  {rate:>12}")
    print(f"\nnumpy / ours: {ratio:.1f}x (aim: within {AIM_RATIO:.0f}x) "
          f"{'MET' if ratio <= AIM_RATIO else 'MISSED'}")
    print(f"WorkingCalendar() construction: {construction * 1000:.1f} ms first "
          f"(holidays loads its UK data), {construction_again * 1000:.1f} ms after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
