"""A generated caseload of fictional children across the five packs, as `cin import` JSON
records with their census fields filled: open and closed (with every reason RC1 to RC9), with
and without plans, some outside the 2025-26 census year."""

from __future__ import annotations

import random
from datetime import date, timedelta

from policies.census_codes import upn_check_letter

from .generated import DISABILITIES, ETHNICITIES, FACTORS, NEEDS, SOURCES, working_days_after

PACKS = ("wirral", "rochdale", "camden", "trafford", "leicestershire")
YEAR_START = date(2025, 4, 1)
REFERENCE = date(2026, 3, 31)
TODAY = date(2026, 4, 20)
# The kinds of case, by number % 6:
OPEN_PLAN, CLOSED_PLAN, CLOSED_AFTER_ASSESSMENT, ASSESSING, OPEN_NO_PLAN, OUTSIDE = range(6)
PLAN_REASONS = ("RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7")


def upn(number: int) -> str:
    digits = f"8{number:011d}"[:12]  # 11 digits then a digit: a permanent UPN
    return upn_check_letter("?" + digits) + digits


def record(number: int, chance: random.Random) -> dict:
    kind = number % 6
    if kind == ASSESSING:
        # Referred in the last weeks of the year: the assessment is still running on 31 March
        # (some are completed in April, after it: the return shows them as not completed).
        referral = REFERENCE - timedelta(days=chance.randrange(3, 50))
    elif kind == OUTSIDE:
        # Half closed before the year began, half referred after it ended.
        referral = (YEAR_START - timedelta(days=200) if number % 12 == OUTSIDE
                    else REFERENCE + timedelta(days=5))
    elif kind in (CLOSED_PLAN, CLOSED_AFTER_ASSESSMENT):
        referral = YEAR_START + timedelta(days=chance.randrange(0, 330))
    else:  # open: some referred before the year began
        referral = YEAR_START - timedelta(days=60) + timedelta(days=chance.randrange(0, 390))
    born = referral - timedelta(days=chance.randrange(300, 15 * 365))
    started = working_days_after(referral, chance.randrange(0, 5))
    completed = working_days_after(started, chance.randrange(5, 40))
    case: dict = {
        "ref": f"CIN{number:05d}", "name": f"Child {number}", "policy": PACKS[number % 5],
        "allocated": referral.isoformat(), "dob": born.isoformat(),
        "referral_date": referral.isoformat(), "referral_source": chance.choice(SOURCES),
        "primary_need": chance.choice(NEEDS),
        "sex": "U" if number % 97 == 0 else chance.choice("MF"),  # U: under 2% (query 2886Q)
        "ethnicity": chance.choice(ETHNICITIES), "assessment_started": started.isoformat(),
        "team": f"Team {number % 3 + 1}", "worker": f"Worker {number % 7 + 1}",
    }
    if number % 4:
        case["upn"] = upn(number)
    else:
        # UN1 (under 6, not at school) only for a child not of school age by 31 August 2026.
        case["upn_unknown"] = "UN1" if born > date(2020, 8, 31) else "UN2"
    if number % 3 == 0:
        case["disabilities"] = chance.sample(DISABILITIES, chance.randrange(1, 3))
    elif number % 3 == 1:
        case["disabilities"] = ["NONE"]
    completed = min(completed, TODAY)
    if kind != ASSESSING or (completed > REFERENCE and number % 2):
        case["assessment_completed"] = completed.isoformat()
        case["assessment_factors"] = chance.sample(FACTORS, chance.randrange(1, 4))
    if kind in (OPEN_PLAN, CLOSED_PLAN, OUTSIDE):
        case["plan_started"] = completed.isoformat()
    closed = None
    if kind == CLOSED_PLAN:
        closed = completed + timedelta(days=chance.randrange(30, 120))
        case["plan_ended"] = closed.isoformat()
        reason = PLAN_REASONS[(number // 6) % len(PLAN_REASONS)]
        case["closure"] = {"date": closed.isoformat(), "reason": reason}
    elif kind == CLOSED_AFTER_ASSESSMENT:
        closed = completed
        if number % 4 == 0:
            case["assessment_factors"] = ["21"]  # no factors identified: closes RC8 or RC9
        case["closure"] = {"date": closed.isoformat(), "reason": chance.choice(("RC8", "RC9"))}
    elif kind == OUTSIDE and referral < YEAR_START:
        closed = completed + timedelta(days=30)
        case["plan_ended"] = closed.isoformat()
        case["closure"] = {"date": closed.isoformat(), "reason": "RC7"}
    if closed is not None and closed > TODAY:
        case.pop("closure")
        case.pop("plan_ended", None)
    return case


def caseload(count: int, seed: int = 15) -> list[dict]:
    chance = random.Random(seed)
    return [record(number, chance) for number in range(1, count + 1)]
