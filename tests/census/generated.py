"""A generated census return of several hundred fictional children that the 2025-26 rules
accept: what a clean return written by census_xml_write looks like."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from cin_tui.formats.census_xml import (
    Assessment,
    CensusChild,
    CensusHeader,
    CensusReturn,
    ChildCharacteristics,
    ChildIdentifiers,
    ChildProtectionPlan,
    CinDetails,
    CinPlanDates,
    Section47,
)

YEAR_START = date(2025, 4, 1)      # the 2025-26 census year: 1 April 2025 ...
REFERENCE = date(2026, 3, 31)      # ... to 31 March 2026
ETHNICITIES = ("WBRI", "WIRI", "WOTH", "MWBC", "MWAS", "APKN", "BAFR", "CHNE", "OOTH", "REFU")
DISABILITIES = ("AUT", "BEH", "COMM", "CON", "DDA", "HAND", "HEAR", "INC", "LD", "MOB",
                "PC", "VIS")
NEEDS = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8")
SOURCES = ("1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A",
           "5B", "5C", "6", "7", "8", "9", "10")
CLOSURE_REASONS = ("RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9")
# Not "21" (no factors identified): with it the episode should close RC8 or RC9 (rule 8873Q).
FACTORS = ("1A", "2A", "3A", "4A", "5A", "6A", "7A", "8B", "9A", "10A", "11A", "12A", "13A",
           "14A", "15A", "16A", "17A", "18B", "19B", "20", "22A", "23A", "24A")
HEADER = CensusHeader("CIN", 2026, REFERENCE, "L", "201", "cin-tui", "1", "001",
                      datetime(2026, 4, 10, 9, 0, 0))


def working_days_after(start: date, days: int) -> date:
    """A date `days` weekdays after `start` (bank holidays aside: the callers keep well inside
    the rules' limits)."""
    day = start
    while days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def child(number: int, chance: random.Random) -> CensusChild:
    referral = YEAR_START + timedelta(days=chance.randrange(0, 250))
    birth = referral - timedelta(days=chance.randrange(200, 16 * 365))
    need = chance.choice(NEEDS)
    started = working_days_after(referral, chance.randrange(0, 5))
    completed = working_days_after(started, chance.randrange(5, 40))
    assessment = Assessment(started, authorisation=completed,
                            factors=tuple(chance.sample(FACTORS, chance.randrange(1, 4))))
    kind = number % 4  # 0: open with a plan, 1: closed with a plan, 2: closed after assessment,
    #                    3: open with a section 47 and a child protection plan
    plans: tuple[CinPlanDates, ...] = ()
    section47s: tuple[Section47, ...] = ()
    protection: tuple[ChildProtectionPlan, ...] = ()
    closure = reason = None
    if kind in (0, 1):
        plan_start = completed
        plan_end = None
        if kind == 1:
            plan_end = plan_start + timedelta(days=chance.randrange(30, 90))
            closure, reason = plan_end, chance.choice(("RC1", "RC3", "RC4", "RC5", "RC6", "RC7"))
        plans = (CinPlanDates(plan_start, plan_end),)
    elif kind == 2:
        closure, reason = completed, chance.choice(("RC8", "RC9"))
    else:
        s47 = started
        initial_cpc = working_days_after(s47, 10)  # recorded on the Section 47 only (2884)
        section47s = (Section47(s47, working_days_after(s47, 15), initial_cpc, False),)
        protection = (ChildProtectionPlan(initial_cpc, None, "NEG", "NEG", 0,
                                          (initial_cpc + timedelta(days=90),)),)
    if closure is not None and closure > REFERENCE:
        closure, reason = None, None
        plans = tuple(CinPlanDates(plan.start) for plan in plans)
    disabilities = ("NONE",) if number % 5 else tuple(chance.sample(DISABILITIES, 2))
    return CensusChild(
        ChildIdentifiers(f"C{number:05d}", upn_unknown="UN1" if birth.year > 2021 else "UN2",
                         birth_date=birth, sex=chance.choice("MF")),
        ChildCharacteristics(chance.choice(ETHNICITIES), disabilities),
        (CinDetails(referral, chance.choice(SOURCES), need, closure, reason, None,
                    (assessment,), plans, section47s, False, protection),),
    )


def generated_return(children: int, seed: int = 15) -> CensusReturn:
    chance = random.Random(seed)
    return CensusReturn(HEADER, tuple(child(number, chance) for number in range(1, children + 1)))
