"""Hostile text already stored in the database (typed into an older version, or written with
sqlite3) is shown as text by every `cin` output: no raw control character reaches the terminal
or the files (except a newline or tab where text has several lines), HTML holds no tag it did
not write, Markdown no link or HTML a name wrote, and nothing fails.

The hostile values are written with sqlite3 straight into a copy of a small database (the import
and the forms will refuse control characters; the outputs must not rely on that).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from policies.safe_text import is_safe_text

from . import figures
from .hostile import HOSTILE

TODAY = date(2026, 11, 23)
EXAMPLES = 40

HTML_TAGS = ("html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "dl", "dt", "dd",
             "section", "ul", "li", "p", "strong", "span", "table", "thead", "tbody", "tr", "th",
             "td")
FOREIGN_TAG = re.compile(r"<(?!!DOCTYPE html>|/?(?:{})[ >])".format("|".join(HTML_TAGS)))


@pytest.fixture(scope="module")
def clean_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One case with a visit, a held meeting and an oversight note with an action."""
    from models.commands import add_oversight_note, upsert_cases
    from models.db import open_database, session_scope
    from models.inputs import CaseInput, MeetingInput, VisitInput
    from policies.packs import load_policies

    path = tmp_path_factory.mktemp("hostile") / "cin.db"
    engine = open_database(path)
    visit = VisitInput(date=date(2026, 11, 16), seen=True, seen_alone=False, childs_voice="voice",
                       not_alone_reason="reason", location="home", recorded=date(2026, 11, 16))
    meeting = MeetingInput(kind="initial", status="held", date=date(2026, 9, 14), chair="Chair")
    case = CaseInput(ref="HX-1", name="Name", dob=date(2015, 5, 5), worker="Worker", team="Team",
                     family="family", policy="leicestershire", allocated=date(2026, 8, 3),
                     plan_started=date(2026, 8, 3), visits=[visit], meetings=[meeting])
    try:
        with session_scope(engine) as session:
            upsert_cases(session, cases=[case], actor="Worker", policies=load_policies(None),
                         today=TODAY)
        with session_scope(engine) as session:
            add_oversight_note(session, ref="HX-1", author="Manager", decision="decision",
                               rationale="rationale",
                               actions=[("action", "Owner", date(2026, 12, 1))], today=TODAY)
    finally:
        engine.dispose()
    return path


def _store_hostile(path: Path, text: str) -> tuple[str, str]:
    """Put `text` into every recorded text field; returns (child's name, worker's name)."""
    name, worker = f"N{text}N", f"W{text}W"  # the worker is named on the command line, trimmed
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE cases SET name = ?, team = ?, family = ?", (name, text, text))
        db.execute("UPDATE workers SET name = ?, team = ?", (worker, text))
        db.execute("UPDATE visits SET childs_voice = ?, not_alone_reason = ?", (text, text))
        db.execute("UPDATE meetings SET chair = ?", (text,))
        db.execute("UPDATE oversight_notes SET author = ?, decision = ?, rationale = ?",
                   (text, text, text))
        db.execute("UPDATE oversight_actions SET description = ?, owner = ?", (text, text))
        db.execute("INSERT INTO audit_log (at, actor, action, case_ref, summary, before, after) "
                   "VALUES ('2026-11-23 10:00:00', ?, 'edit', 'HX-1', ?, ?, ?)",
                   (text, text, json.dumps({"name": text}), json.dumps({"name": name})))
        db.execute("DELETE FROM case_deadlines")  # worked out again from the hostile facts
    return name, worker


def _cin(*args: str) -> tuple[int, str, str]:
    from cin_tui.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=HOSTILE)
def test_every_output_shows_hostile_text_as_text(text, clean_database, monkeypatch):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        monkeypatch.setenv("CIN_SETTINGS_DIR", str(folder))
        monkeypatch.delenv("CIN_DEBUG", raising=False)
        database = folder / "cin.db"
        shutil.copyfile(clean_database, database)
        name, worker = _store_hostile(database, text)
        common = ("--db", str(database), "--today", TODAY.isoformat())
        outputs: dict[str, str] = {}
        for label, args in {
            "explain": ("explain", "HX-1"), "due": ("due",), "due --json": ("due", "--json"),
            "audit": ("audit", "--changes"), "audit --json": ("audit", "--json"),
            "record.md": ("supervision-record", "--worker", worker, "--out", str(folder / "r.md")),
            "record.html": ("supervision-record", "--worker", worker, "--out",
                            str(folder / "r.html")),
        }.items():
            code, out, err = _cin(*common, *args)
            assert code == 0, (label, out, err)
            outputs[label] = out
            outputs[f"{label} (stderr)"] = err
        outputs["record.md file"] = (folder / "r.md").read_text(encoding="utf-8")
        html = (folder / "r.html").read_text(encoding="utf-8")
        outputs["record.html file"] = html

        for label, out in outputs.items():
            assert is_safe_text(out, multiline=True), (label, text)
        assert FOREIGN_TAG.search(html) is None, text
        markdown = outputs["record.md file"]
        assert re.search(r"(?<!\\)[<\[]", markdown) is None, text  # no link, image or HTML
        # JSON carries the stored values exactly (escaped, not changed).
        assert {item["name"] for item in json.loads(outputs["due --json"])} == {name}
        figures.add("hostile texts shown by 7 cin outputs")


def test_an_osc52_name_does_not_reach_the_terminal_from_explain(clean_database, tmp_path,
                                                                 monkeypatch):
    """The finding as reported: `cin explain` wrote the clipboard."""
    monkeypatch.setenv("CIN_SETTINGS_DIR", str(tmp_path))
    database = tmp_path / "cin.db"
    shutil.copyfile(clean_database, database)
    _store_hostile(database, "Amy\x1b]52;c;aGFja2Vk\x07\x1b[2J\x00\x85\u202e")
    code, out, _ = _cin("--db", str(database), "--today", TODAY.isoformat(), "explain", "HX-1")
    assert code == 0
    assert out.splitlines()[0] == "HX-1  NAmy\\x1b]52;c;aGFja2Vk\\x07\\x1b[2J\\x00\\x85\\u202eN"
    assert is_safe_text(out, multiline=True)
