"""`cin explain REF` shows how each deadline was worked out; `cin policies` lists the packs."""

from __future__ import annotations

from .cli_helpers import case, write_json


def test_explain_shows_rule_citation_basis_and_notes(cin, tmp_path):
    path = write_json(tmp_path / "cases.json", [case(
        "C-1", name="Explained Child", dob="2016-05-14", worker="Sam Patel", family="PATEL",
        visits=[{"date": "2026-10-01", "seen": True, "seen_alone": True}],
        # A review held on Mon 2 Nov, not yet circulated: Wirral takes 14 days (2.11) over
        # 15 working days (3.1), so it was due Mon 16 Nov 2026, and says so in a note.
        meetings=[{"kind": "initial", "status": "held", "date": "2026-09-07",
                   "circulated": "2026-09-08"},
                  {"kind": "review", "status": "held", "date": "2026-11-02"}],
    )])
    assert cin("import", str(path)).code == 0
    result = cin("explain", "C-1")
    assert result.code == 0
    out = result.out
    assert out.startswith("C-1  Explained Child\nborn 14 May 2016, worker Sam Patel, family PATEL\n"
                          "Policy: wirral (Wirral Child in Need Procedure (April 2017))\n"
                          "Today: 23 Nov 2026\n")
    # The visit, seen 1 Oct: +20 WD is Thu 29 Oct (worked in test_due.py), 17 WD late.
    assert ("   Due:    29 Oct 2026 (17 WD late, overdue)\n"
            "   Rule:   wirral.visit\n"
            "   Source: Wirral Child in Need Procedure (April 2017), section 2.11:") in out
    assert "   Basis:  20 working days after the visit of 1 Oct 2026" in out
    circulation = out[out.index("Rule:   wirral.review_circulated"):]
    assert "Basis:  14 days after the review meeting held on 2 Nov 2026" in circulation
    assert "Note:   Pack choice:" in circulation
    assert "Note:   Other reading: 15 working days" in circulation
    assert "About the wirral pack:" in out
    assert all(len(line) <= 80 for line in out.splitlines())


def test_explain_a_closed_case(cin, tmp_path):
    path = write_json(tmp_path / "cases.json", [case(
        "C-2", visits=[{"date": "2026-10-01", "seen": True, "seen_alone": True}],
        closure={"date": "2026-11-20", "reason": "RC7"})])
    assert cin("import", str(path)).code == 0
    assert ("This case was closed on 20 Nov 2026: it has no open deadlines."
            in cin("explain", "C-2").out)


def test_explain_an_unknown_ref(cin, tmp_path):
    assert cin("import", str(write_json(tmp_path / "c.json", [case("C-1")]))).code == 0
    result = cin("explain", "C-404")
    assert result.code == 1
    assert result.err == "cin: No case with reference 'C-404'. `cin due` lists the open cases.\n"


def test_policies_lists_shipped_packs_and_the_users_own(cin, settings_dir):
    own = settings_dir / "policies"
    own.mkdir()
    (own / "east.toml").write_text(
        'id = "wirral-east"\nextends = "wirral"\nname = "Wirral (East team)"\n', encoding="utf-8")
    result = cin("policies")
    assert result.code == 0
    lines = result.out.splitlines()
    for pack in ("camden", "leicestershire", "rochdale", "trafford", "wirral"):
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{pack}: "))
        assert lines[index + 2].startswith("    shipped:   ")
        assert lines[index + 2].endswith(f"{pack}.toml")
    index = lines.index("wirral-east: Wirral (East team)")
    assert lines[index + 2] == f"    yours:     {own / 'east.toml'}"


def test_a_broken_user_pack_is_reported_not_a_traceback(cin, settings_dir):
    own = settings_dir / "policies"
    own.mkdir()
    (own / "broken.toml").write_text('id = "x"\nrules = "nope"\n[[', encoding="utf-8")
    result = cin("policies")
    assert result.code == 1
    assert result.err.startswith("cin: broken.toml")
    assert "Traceback" not in result.err
