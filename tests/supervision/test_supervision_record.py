"""The supervision record of a known walkthrough: its full Markdown text, its HTML (escaped,
self-contained), privacy, the period, the file's permissions, and `cin supervision-record`."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import pytest

from models.inputs import CaseInput, VisitInput
from models.supervision import supervision_notes
from screens.supervision_record import (
    RecordError,
    render_html,
    render_markdown,
    write_supervision_record,
)

from .support import POLICIES, add_note, read

WORKER = "Sam Patel"


def child(ref: str, name: str, family: str | None = None) -> CaseInput:
    # Wirral complex plans started Mon 8 Jun 2026: 168 days = 24 weeks 0 days old today
    # (23 Nov); complex, so section 3.1's 6-month review applies too.
    return CaseInput(ref=ref, name=name, dob=date(2016, 3, 4), worker=WORKER, team="North",
                     family=family, policy="wirral", allocated=date(2026, 6, 1),
                     plan_started=date(2026, 6, 8), complex_plan=True,
                     visits=[VisitInput(date=date(2026, 11, 16), seen=True, seen_alone=True,
                                        childs_voice="OK", location="home",
                                        recorded=date(2026, 11, 16))])


@pytest.fixture
def walked(make_database) -> Path:
    """Sam Patel's supervision: a note on W-1 today (and an older one on W-2, 2 Nov)."""
    db = make_database([child("W-1", "Amira Hassan", "hassan"),
                        child("W-2", "Bilal Hassan", "hassan"), child("W-3", "Chloe Evans")])
    add_note(db, "W-2", on=date(2026, 11, 2), decision="Keep the plan", rationale="Settled")
    add_note(db, "W-1", clears=["wirral.plan_24_weeks"],
             decision="Group Manager review: continue for 8 weeks, then step down",
             rationale="Amira is settled; Bilal's <b>bold</b> worries | noted",
             actions=[("Book the step-down meeting", WORKER, date(2026, 12, 7)),
                      ("Tell Amira's school * about the plan", WORKER, date(2026, 11, 30))])
    return db


# The flag left open on W-1: 6 months after 8 Jun 2026 -> Tue 8 Dec 2026, 11 working days away
# (more than the 5-day amber window): "in time". The 24-week flag (due today) was cleared.
EXPECTED_MARKDOWN = """\
# Supervision record: Sam Patel

- **Worker:** Sam Patel
- **Team:** North
- **Period:** Notes recorded on 23 Nov 2026
- **Managers:** Morgan Ashdown
- **Written:** 23 Nov 2026

## W-1 Amira Hassan

- **Authority:** Wirral
- **Plan:** started 8 Jun 2026 (24 weeks 0 days)
- **Visits:** last seen 16 Nov 2026; last seen alone 16 Nov 2026

### Open flags now

- Complex plan without significant positive change after 6 months: consider a child \
protection plan: due 8 Dec 2026, in time

### Note of 23 Nov 2026 by Morgan Ashdown

**Decision:** Group Manager review: continue for 8 weeks, then step down

**Rationale:** Amira is settled; Bilal's \\<b\\>bold\\</b\\> worries \\| noted

**Flags addressed:** Plan over 24 weeks: Group Manager review, reported to the Head of Service

| Action | Owner | Due | State |
|---|---|---|---|
| Tell Amira's school \\* about the plan | Sam Patel | 30 Nov 2026 | open |
| Book the step-down meeting | Sam Patel | 7 Dec 2026 | open |

## Open cases with no note in this period

- W-2 Bilal Hassan
- W-3 Chloe Evans
"""


def test_the_record_of_the_latest_walkthrough_in_markdown(walked):
    notes = read(walked, supervision_notes, worker=WORKER)
    assert notes.since == date(2026, 11, 23)  # the latest day a note was recorded
    assert render_markdown(notes, policies=POLICIES) == EXPECTED_MARKDOWN


def test_since_takes_in_earlier_notes(walked):
    notes = read(walked, supervision_notes, worker=WORKER, since=date(2026, 11, 1))
    assert [s.page.ref for s in notes.sections] == ["W-1", "W-2"]
    text = render_markdown(notes, policies=POLICIES)
    assert "- **Period:** Notes recorded from 1 Nov 2026 to 23 Nov 2026" in text
    assert "### Note of 2 Nov 2026 by Morgan Ashdown" in text
    assert "**Actions:** none" in text


def test_privacy_shows_initials_and_masks_the_childrens_names_in_the_notes(walked):
    text = render_markdown(read(walked, supervision_notes, worker=WORKER), policies=POLICIES,
                           privacy=True)
    assert "## W-1 A. H." in text
    assert "**Rationale:** A. is settled; B.'s \\<b\\>bold" in text  # the sibling's name too
    assert "| Tell A.'s school" in text
    assert "- W-3 C. E." in text
    assert "- **Privacy:** children's names are shown as initials" in text
    for name in ("Amira", "Bilal", "Hassan", "Chloe", "Evans"):
        assert name not in text
    assert "Sam Patel" in text  # staff names stay


def test_html_is_escaped_and_self_contained(walked):
    page = render_html(read(walked, supervision_notes, worker=WORKER), policies=POLICIES)
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en-GB\">")
    assert "<h2>W-1 Amira Hassan</h2>" in page
    assert "Amira is settled; Bilal&#x27;s &lt;b&gt;bold&lt;/b&gt; worries | noted" in page
    assert "<b>bold" not in page
    assert "<td>7 Dec 2026</td>" in page
    for external in ("<script", "<link", "src=", "http:", "https:", "@import", "url("):
        assert external not in page


def test_a_decision_with_markup_cannot_inject_into_the_html(make_database):
    db = make_database([child("W-1", "Amira Hassan")])
    add_note(db, "W-1", decision='<script>alert("x")</script>', rationale="a & b")
    page = render_html(read(db, supervision_notes, worker=WORKER), policies=POLICIES)
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "a &amp; b" in page


@pytest.mark.parametrize("name", ["record.md", "record.html", "RECORD.HTM", "r.markdown"])
def test_the_file_is_readable_by_its_owner_only(walked, tmp_path, name):
    path = write_supervision_record(tmp_path / name, read(walked, supervision_notes, worker=WORKER),
                                    policies=POLICIES)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "Amira Hassan" in path.read_text(encoding="utf-8")


def test_bad_places_are_refused_with_a_clear_message(walked, tmp_path):
    notes = read(walked, supervision_notes, worker=WORKER)
    with pytest.raises(RecordError,
                       match=r"record\.txt: a supervision record is written as "
                             r"Markdown \(\.md\) or HTML \(\.html\); this name ends \.txt"):
        write_supervision_record(tmp_path / "record.txt", notes, policies=POLICIES)
    missing = tmp_path / "nowhere"
    with pytest.raises(RecordError, match=f"the folder {missing} does not exist"):
        write_supervision_record(missing / "record.md", notes, policies=POLICIES)


def test_cin_supervision_record_writes_the_file_and_says_where(walked, tmp_path, capsys):
    from cin_tui.cli import main

    out = tmp_path / "sam.md"
    code = main(["supervision-record", "--db", str(walked), "--today", "23/11/2026",
                 "--worker", WORKER, "--out", str(out)])
    assert code == 0
    assert out.read_text(encoding="utf-8") == EXPECTED_MARKDOWN
    assert capsys.readouterr().out == (f"Supervision record for Sam Patel written to {out}: 1 case "
                                       "with notes since 23 Nov 2026.\n")
    html = tmp_path / "sam.html"
    assert main(["supervision-record", "--db", str(walked), "--today", "2026-11-23", "--worker",
                 WORKER, "--since", "1/11/2026", "--out", str(html), "--privacy"]) == 0
    text = html.read_text(encoding="utf-8")
    assert "<h2>W-2 B. H.</h2>" in text and "Bilal" not in text


@pytest.mark.parametrize("arguments, message", [
    (["--worker", "Sam P", "--out", "x.md"],
     "cin: no worker called 'Sam P' holds any cases; workers: Sam Patel\n"),
    (["--worker", WORKER, "--out", "x.pdf"],
     "cin: x.pdf: a supervision record is written as Markdown (.md) or HTML (.html); this name "
     "ends .pdf\n"),
    (["--worker", WORKER, "--since", "02/30/2026", "--out", "x.md"],
     "cin: --since: "),
])
def test_cin_supervision_record_problems(walked, tmp_path, capsys, monkeypatch, arguments, message):
    from cin_tui.cli import main

    monkeypatch.chdir(tmp_path)
    code = main(["supervision-record", "--db", str(walked), "--today", "2026-11-23", *arguments])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(message)
    assert "Traceback" not in err
    assert not (tmp_path / "x.md").exists()
