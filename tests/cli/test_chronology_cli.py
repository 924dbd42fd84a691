"""`cin chronology REF`: every recorded event of a case, oldest first, as Markdown or HTML
(issue 16), against a case whose history is worked out by hand below."""

from __future__ import annotations

import re
import stat
from datetime import date

import pytest

from models.service import CaseloadService

from .cli_helpers import write_json

# Today is Mon 23 Nov 2026 (the fixture). Rochdale, allocated Mon 2 Mar 2026.
ROCH = {
    "ref": "R-2001", "name": "Rory Dale", "policy": "rochdale", "allocated": "2026-03-02",
    "worker": "Jo Lantern", "family": "dale", "assessment_completed": "2026-04-10",
    "plan_started": "2026-04-20",
    "visits": [
        {"date": "2026-03-05", "seen": True, "seen_alone": True, "location": "home",
         "childs_voice": "Rory said school is <b>fun</b> *really* | ok", "recorded": "2026-03-06"},
        {"date": "2026-03-20", "seen": True, "seen_alone": False,
         "not_alone_reason": "Mum stayed in the room", "childs_voice": "Quiet",
         "location": "home"},
        {"date": "2026-04-02", "seen": False, "location": "school"},
    ],
    "meetings": [
        {"kind": "initial", "status": "held", "date": "2026-04-20", "chair": "Ann Lee",
         "chair_role": "team_manager", "family_attended": True, "circulated": "2026-04-24"},
        {"kind": "review", "status": "cancelled", "date": "2026-07-20",
         "cancelled_on": "2026-07-10", "cancel_reason": "Family on holiday"},
    ],
    "tasks_done": [{"rule": "checkpoint_1", "done": "2026-03-09"}],
}
PIP = {"ref": "R-2002", "name": "Pip Dale", "policy": "rochdale", "allocated": "2026-03-02",
       "worker": "Jo Lantern", "family": "dale"}

# In date order; on one day: milestones, then visits, meetings (and circulations), notes,
# closures, corrections, reopenings and withdrawals, each kind in the order it was recorded.
EXPECTED = [
    ("2 Mar 2026", "Allocated", "case allocated"),
    ("5 Mar 2026", "Visit", "at home · seen alone · voice: “Rory said school is <b>fun</b> "
                            "*really* | ok” · recorded 6 Mar 2026"),
    ("9 Mar 2026", "Task done", "CIN Checkpoint 1: manager's oversight case note"),
    # Corrected on 23 Nov: the record shows the voice as corrected.
    ("20 Mar 2026", "Visit", "at home · seen, not alone (Mum stayed in the room) · voice: "
                             "“Quiet, then talked about Pip”"),
    # Withdrawn on 23 Nov: kept in its place, marked.
    ("2 Apr 2026", "Visit", "at school · child NOT seen"),
    ("10 Apr 2026", "Assessment", "assessment completed"),
    ("20 Apr 2026", "Plan started", "Child in Need plan started"),
    ("20 Apr 2026", "Initial meeting", "held · chair Ann Lee (team manager) · family attended · "
                                       "circulated 24 Apr 2026"),
    ("24 Apr 2026", "Minutes circulated", "Initial meeting of 20 Apr 2026"),
    ("20 Jul 2026", "Review meeting", "cancelled on 10 Jul 2026: Family on holiday"),
    ("20 Nov 2026", "Closed", "RC8 Case closed after assessment, no further action (reopened on "
                              "23 Nov 2026)"),
    ("23 Nov 2026", "Oversight note", "by Ann Lee · decision: Keep open · why: Goals not met"),
    ("23 Nov 2026", "Correction", "Visit of 20 Mar 2026 corrected on 23 Nov 2026 by Jo Lantern: "
                                  "child's voice was “Quiet”; Typed only half"),
    ("23 Nov 2026", "Withdrawn", "Visit of 2 Apr 2026 withdrawn on 23 Nov 2026 by Jo Lantern: "
                                 "Logged on the wrong child"),
    ("23 Nov 2026", "Reopened", "Closed 20 Nov 2026 (RC8); reopened on 23 Nov 2026 by Jo "
                                "Lantern: Closed in error"),
]


@pytest.fixture
def recorded(cin, tmp_path, settings_dir, db):
    """The case above, then, on 23 Nov: a visit corrected, one withdrawn, a manager's note,
    the case closed (as of 20 Nov) and reopened."""
    (settings_dir / "settings.toml").write_text('worker = "Jo Lantern"\n', encoding="utf-8")
    steps = [
        ("import", str(write_json(tmp_path / "cases.json", [ROCH, PIP]))),
        ("correct-visit", "R-2001", "--visit", "2026-03-20",
         "--voice", "Quiet, then talked about Pip", "--reason", "Typed only half"),
        ("withdraw", "R-2001", "--visit", "2026-04-02", "--reason", "Logged on the wrong child"),
    ]
    for step in steps:
        result = cin(*step)
        assert result.code == 0, result.err
    CaseloadService(database=db, settings_dir=settings_dir, today=date(2026, 11, 23),
                    actor="Ann Lee").add_oversight_note(
        ref="R-2001", decision="Keep open", rationale="Goals not met")
    for step in [("close", "R-2001", "--reason", "RC8", "--date", "2026-11-20",
                  "--checklist", "closure_meeting=yes"),
                 ("reopen", "R-2001", "--reason", "Closed in error")]:
        result = cin(*step)
        assert result.code == 0, result.err
    return cin


def table_rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("| ") and
            not line.startswith("| Date ")]


def test_every_event_in_date_order_as_markdown_on_stdout(recorded):
    result = recorded("chronology", "r-2001")
    assert result.code == 0, result.err
    out = result.out
    assert out.startswith("# Chronology: R-2001 Rory Dale\n")
    assert "- **Worker:** Jo Lantern" in out
    assert "- **Authority:** Rochdale" in out
    assert f"- **Events:** {len(EXPECTED)}" in out
    rows = table_rows(out)
    assert len(rows) == len(EXPECTED)
    for row, (when, what, words) in zip(rows, EXPECTED, strict=True):
        cells = re.split(r"(?<!\\)\|", row)[1:-1]
        assert [c.strip() for c in cells[:2]] == [when, what]
        # The Markdown escapes are undone to read the words as recorded.
        assert re.sub(r"\\(.)", r"\1", cells[2].strip()).startswith(words), row
    withdrawn = rows[4]
    assert "**WITHDRAWN on 23 Nov 2026 by Jo Lantern: Logged on the wrong child**" in withdrawn


def test_markdown_special_characters_are_escaped(recorded):
    row = table_rows(recorded("chronology", "R-2001").out)[1]
    assert r"\<b\>fun\</b\> \*really\* \| ok" in row
    assert "<b>" not in row


def test_privacy_masks_the_family_names(recorded):
    out = recorded("chronology", "R-2001", "--privacy").out
    assert out.startswith("# Chronology: R-2001 R. D.\n")
    assert "Rory" not in out and "Pip" not in out
    assert "voice: “R. said school" in out
    assert "then talked about P.”" in out
    assert "- **Privacy:** children's names are shown as initials" in out


def test_html_is_one_self_contained_printable_file(recorded, tmp_path):
    out = tmp_path / "chronology.html"
    result = recorded("chronology", "R-2001", "--out", str(out))
    assert result.code == 0, result.err
    assert result.out == f"Chronology of R-2001 written to {out}: {len(EXPECTED)} events.\n"
    page = out.read_text(encoding="utf-8")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    assert not re.search(r"(src|href)\s*=|url\(|@import", page, re.IGNORECASE)
    assert "@media print" in page
    assert "Rory said school is &lt;b&gt;fun&lt;/b&gt; *really* | ok" in page
    cells = re.findall(r'<td class="when">([^<]*)</td><td>([^<]*)</td>', page)
    assert cells == [(when, what) for when, what, _words in EXPECTED]
    assert "<del>at school · child NOT seen</del><br><strong>WITHDRAWN on 23 Nov 2026" in page


def test_markdown_file_and_stdout_agree(recorded, tmp_path):
    out = tmp_path / "chronology.md"
    assert recorded("chronology", "R-2001", "--out", str(out)).code == 0
    assert out.read_text(encoding="utf-8") == recorded("chronology", "R-2001").out


def test_wrong_extension_or_unknown_case_is_a_clear_message(recorded, tmp_path):
    wrong = recorded("chronology", "R-2001", "--out", str(tmp_path / "c.pdf"))
    assert wrong.code == 1
    assert "a chronology is written as Markdown (.md) or HTML (.html)" in wrong.err
    unknown = recorded("chronology", "NOPE")
    assert unknown.code == 1 and "`cin due` lists the open cases" in unknown.err
    assert "Traceback" not in wrong.err + unknown.err
