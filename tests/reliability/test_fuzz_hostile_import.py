"""Hostile text through `cin import` (JSON and CSV), as a user or a script would run it.

Every text field of a new case, and the child's voice of a stored visit, get hostile text
(tests/reliability/hostile.py). Each file is either
- refused: exit 1, one `file:record:field: message` line per problem, no raw control character
  on the terminal, the database byte for byte as it was; or
- imported: the stored values are exactly what the file said (nothing lost or altered), and
  `cin explain`, `cin due` and the CSV export show them without a raw control character or a
  live spreadsheet formula.
Never a traceback or exit 70. Counted for docs/reliability.md.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import shutil
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings

from policies.safe_text import is_safe_text

from . import figures
from .helpers import TODAY_ISO
from .hostile import TEXT_FIELD

EXAMPLES = 60
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding C-0001 with one visit."""
    folder = tmp_path_factory.mktemp("hostile-import")
    database = folder / "baseline.db"
    seed = folder / "seed.json"
    seed.write_text(json.dumps({"cases": [{
        "ref": "C-0001", "name": "Amy", "allocated": "2026-09-01", "policy": "wirral",
        "visits": [{"date": "2026-11-02", "childs_voice": "Likes school"}]}]}), encoding="utf-8")
    code, _, err = _cin(folder, database, "import", str(seed))
    assert code == 0, err
    return database


def _cin(folder: Path, database: Path, *args: str) -> tuple[int, str, str]:
    from cin_tui.cli import main

    out, err = io.StringIO(), io.StringIO()
    env = {"CIN_DB": str(database), "CIN_SETTINGS_DIR": str(folder / "settings"),
           "CIN_TODAY": TODAY_ISO}
    with mock.patch.dict(os.environ, env), contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _as_read(text: str) -> str:
    """What an import stores for `text`: surrounding space trimmed, Windows line breaks as
    line breaks."""
    return text.strip().replace("\r\n", "\n")


def _workspace(baseline: Path, tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("example")
    database = folder / "cin.db"
    shutil.copy2(baseline, database)
    return folder, database


def _imported(folder: Path, database: Path, path: Path) -> bool:
    """`cin import path`: True when imported; when refused, checks the refusal and that the
    database is byte for byte as it was, and returns False."""
    before = _digest(database)
    code, out, err = _cin(folder, database, "import", str(path))
    figures.add("hostile import files tried")
    if code == 0:
        return True
    _check_refusal(code, out, err, str(path))
    figures.add("hostile import files refused, database unchanged")
    assert _digest(database) == before, "a refused import changed the database"
    return False


def _check_refusal(code: int, out: str, err: str, label: str) -> None:
    assert code == 1, f"exit {code}: {err}"
    assert "Traceback" not in err + out
    for line in err.splitlines():
        assert is_safe_text(line), f"raw control character on the terminal: {line!r}"
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines[-1].endswith("nothing was imported.")
    assert all(line.startswith(label) for line in lines[:-1])


@FUZZ
@given(name=TEXT_FIELD, worker=TEXT_FIELD, team=TEXT_FIELD, voice=TEXT_FIELD, reason=TEXT_FIELD)
def test_hostile_json_is_refused_or_kept_exactly(baseline, tmp_path_factory, name, worker, team,
                                                 voice, reason):
    folder, database = _workspace(baseline, tmp_path_factory)
    record = {"ref": "H-1", "name": name, "allocated": "2026-09-01", "policy": "wirral",
              "worker": worker, "team": team,
              "visits": [{"date": "2026-11-03", "seen_alone": False, "not_alone_reason": reason,
                          "childs_voice": voice}]}
    update = {"ref": "C-0001", "name": "Amy", "allocated": "2026-09-01", "policy": "wirral",
              "visits": [{"date": "2026-11-02", "childs_voice": voice}]}
    path = folder / "hostile.json"
    path.write_text(json.dumps({"cases": [record, update]}), encoding="utf-8")

    if not _imported(folder, database, path):
        return
    exported = folder / "out.json"
    assert _cin(folder, database, "export", str(exported))[0] == 0
    cases = {c["ref"]: c for c in json.loads(exported.read_text(encoding="utf-8"))["cases"]}
    kept = cases["H-1"]
    assert (kept["name"], kept["worker"], kept["team"]) == (
        _as_read(name), _as_read(worker) or None, _as_read(team) or None)
    assert kept["visits"][0]["childs_voice"] == (_as_read(voice) or None)
    assert kept["visits"][0]["not_alone_reason"] == (_as_read(reason) or None)
    # A blank voice says nothing (only null clears): the recorded one is kept.
    assert cases["C-0001"]["visits"][0]["childs_voice"] == (_as_read(voice) or "Likes school")
    for args in (("explain", "H-1"), ("due",), ("audit", "--changes")):
        code, out, err = _cin(folder, database, *args)
        assert code == 0, err
        assert is_safe_text(out, multiline=True), f"cin {args[0]} emitted a raw control character"
    _check_csv_export(folder, database)


@FUZZ
@given(name=TEXT_FIELD, team=TEXT_FIELD, family=TEXT_FIELD)
def test_hostile_csv_is_refused_or_kept_exactly(baseline, tmp_path_factory, name, team, family):
    folder, database = _workspace(baseline, tmp_path_factory)
    path = folder / "hostile.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["ref", "name", "policy", "allocated", "team", "family"])
        writer.writerow(["H-2", name, "wirral", "01/09/2026", team, family])

    if not _imported(folder, database, path):
        return
    exported = folder / "out.json"
    assert _cin(folder, database, "export", str(exported))[0] == 0
    [kept] = [c for c in json.loads(exported.read_text(encoding="utf-8"))["cases"]
              if c["ref"] == "H-2"]
    expected = [_as_read(_unquoted(value)) or None for value in (name, team, family)]
    assert [kept["name"], kept["team"], kept["family"]] == expected
    _check_csv_export(folder, database)


def _unquoted(cell: str) -> str:
    """A CSV cell as cin reads it: one apostrophe off a neutralised formula."""
    from cin_tui.formats.csv_format import unneutralise

    return unneutralise(cell)


def _check_csv_export(folder: Path, database: Path) -> None:
    """The CSV export hands no live formula to a spreadsheet, and imports back unchanged."""
    exported = folder / "out.csv"
    assert _cin(folder, database, "export", str(exported))[0] == 0
    with exported.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            for cell in row:
                assert not cell.startswith(FORMULA_START), f"live formula in the CSV: {cell!r}"
    code, out, err = _cin(folder, database, "import", str(exported))
    assert code == 0, err
    assert "Nothing changed" in out
    figures.add("hostile values round-tripped through CSV")
