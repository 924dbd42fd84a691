"""Property-based fuzzing of `cin import` with mutated JSON and CSV files: keys dropped or
altered, wrong types, impossible and month-first dates, garbage text, truncated and non-UTF-8
files. Every file is either imported, or refused with the documented per-problem lines
(`file:record:field: message`) and the database left byte-for-byte as it was. Never a traceback.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import shutil
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import figures
from .helpers import TODAY_ISO, case_records, make_cin

EXAMPLES = 150
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SUMMARY_LINE = re.compile(r"^\d+ problems? found in .+; nothing was imported\.$")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory):
    """A database with two cases (the baseline every example starts from), and a settings folder."""
    folder = tmp_path_factory.mktemp("fuzz-import")
    cin = make_cin(folder)
    seed = folder / "seed.json"
    seed.write_text(json.dumps({"cases": case_records(2, prefix="OLD")}), encoding="utf-8")
    result = cin.run("import", str(seed))
    assert result.returncode == 0, result.stderr
    baseline = folder / "baseline.db"
    shutil.copy2(cin.database, baseline)
    return folder, cin, baseline


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _import_in_process(workspace, name: str, data: bytes) -> tuple[int, str]:
    """`cin import FILE` through `cin_tui.cli.main`, as the user would run it; returns
    (exit status, stderr). Restores the baseline database after a successful import."""
    from cin_tui.cli import main

    folder, cin, baseline = workspace
    path = folder / name
    path.write_bytes(data)
    before = _digest(cin.database)
    stderr, stdout = io.StringIO(), io.StringIO()
    env = {"CIN_DB": cin.env["CIN_DB"], "CIN_SETTINGS_DIR": cin.env["CIN_SETTINGS_DIR"],
           "CIN_TODAY": TODAY_ISO}
    with mock.patch.dict(os.environ, env), contextlib.redirect_stderr(stderr), \
            contextlib.redirect_stdout(stdout):
        status = main(["import", str(path)])
    figures.add("import files tried")
    if status == 0:
        shutil.copy2(baseline, cin.database)
        for suffix in ("-wal", "-shm"):
            Path(f"{cin.database}{suffix}").unlink(missing_ok=True)
        return status, stderr.getvalue()
    figures.add("bad import files refused")
    assert _digest(cin.database) == before, "a refused import changed the database file"
    return status, stderr.getvalue()


def _assert_documented_refusal(status: int, stderr: str, path_label: str) -> None:
    assert status == 1, f"status {status}: {stderr}"  # 1 = a problem the user can fix; 70 = a bug
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "a refusal must say what is wrong"
    *problems, summary = lines
    assert SUMMARY_LINE.match(summary), summary
    assert problems, "the problems themselves must be listed"
    for line in problems:
        line = line.removeprefix("cin: ")
        # file:record:field: message (record and field may be absent for file-wide problems)
        assert line.startswith(path_label), line
        assert re.match(rf"^{re.escape(path_label)}(:[^:]+)*: \S", line), line


# Mutations of a valid document

# Printable text only here: control characters in values are tested on their own below.
printable = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))
junk = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
    st.text(printable, max_size=30), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from([
        "31/02/2026", "2026-02-30", "12/25/2026", "25/12/26", "2026-13-01", "00/00/0000",
        "yesterday", "3 Smarch 2026", "2099-01-01", "1850-06-01", "\u202e", "null",
        "0", "-1", "1e309", "every 10 working days", "20 wd", "P10D",
    ]),
)


@st.composite
def mutated_json(draw) -> bytes:
    document = {"cases": case_records(draw(st.integers(1, 4)), prefix="NEW")}
    for _ in range(draw(st.integers(1, 4))):
        cases = document.get("cases")
        choice = draw(st.integers(0, 9))
        if not isinstance(cases, list) or not cases or choice == 0:
            document[draw(st.sampled_from(["cases", "extra"]))] = draw(junk)
            continue
        index = draw(st.integers(0, len(cases) - 1))
        case = cases[index]
        if not isinstance(case, dict) or choice == 7:
            cases[index] = draw(junk)
        elif choice == 1 and case:
            case.pop(draw(st.sampled_from(sorted(case))))
        elif choice in (2, 3, 4) and case:
            case[draw(st.sampled_from(sorted(case)))] = draw(junk)
        elif choice == 5 and isinstance(case.get("visits"), list) and case["visits"]:
            visit = case["visits"][0]
            if isinstance(visit, dict) and visit:
                visit[draw(st.sampled_from(sorted(visit)))] = draw(junk)
        elif choice == 6:
            case[draw(st.text(printable, min_size=1, max_size=10))] = draw(junk)
        elif choice == 8:
            cases.append(dict(case))  # the same ref twice
        else:
            case["ref"] = "OLD-00001"  # an update of an existing case, possibly invalid
    text = json.dumps(document, default=str).encode("utf-8", "surrogatepass")
    return _damage_bytes(draw, text)


def _damage_bytes(draw, data: bytes) -> bytes:
    damage = draw(st.integers(0, 7))
    if damage == 0:
        return data[: draw(st.integers(0, max(len(data) - 1, 0)))]  # truncated
    if damage == 1:
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return data


CSV_COLUMNS = ["ref", "name", "dob", "policy", "worker", "team", "allocated", "last_visit",
               "last_seen_alone", "last_meeting", "last_meeting_kind", "next_meeting", "closed",
               "closure_reason"]


@st.composite
def mutated_csv(draw) -> bytes:
    policy = case_records(1)[0]["policy"]
    rows = [list(CSV_COLUMNS)] + [
        [f"NEW-{n:05d}", f"Child {n}", "14/03/2015", policy, "Sam Patel", "North", "01/09/2026",
         "08/10/2026", "10/09/2026", "", "", "", "", ""]
        for n in range(1, draw(st.integers(1, 4)) + 1)
    ]
    for _ in range(draw(st.integers(1, 4))):
        row = draw(st.sampled_from(rows))
        choice = draw(st.integers(0, 5))
        if choice == 0 and row:
            row.pop(draw(st.integers(0, len(row) - 1)))                 # a missing cell or column
        elif choice in (1, 2, 3) and row:
            row[draw(st.integers(0, len(row) - 1))] = str(draw(junk))   # garbage in a cell
        elif choice == 4:
            row.append(draw(st.text(printable, max_size=10)))           # an extra cell or column
        else:
            rows.append(list(rows[1]) if len(rows) > 1 else [])          # the same ref twice
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    data = out.getvalue().encode("utf-8", "surrogatepass")
    return _damage_bytes(draw, data)


@FUZZ
@given(data=mutated_json())
def test_mutated_json_imports_cleanly_or_is_refused_cleanly(workspace, data: bytes) -> None:
    folder = workspace[0]
    status, stderr = _import_in_process(workspace, "fuzz.json", data)
    if status != 0:
        _assert_documented_refusal(status, stderr, str(folder / "fuzz.json"))


@FUZZ
@given(data=mutated_csv())
def test_mutated_csv_imports_cleanly_or_is_refused_cleanly(workspace, data: bytes) -> None:
    folder = workspace[0]
    status, stderr = _import_in_process(workspace, "fuzz.csv", data)
    if status != 0:
        _assert_documented_refusal(status, stderr, str(folder / "fuzz.csv"))


@settings(max_examples=6, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(mutated_json(), mutated_csv()))
def test_a_few_as_real_processes(workspace, data: bytes) -> None:
    # The in-process runs above cannot see what reaches a real terminal: check a few that way.
    folder, cin, baseline = workspace
    name = "proc.json" if data.lstrip().startswith((b"{", b"[")) else "proc.csv"
    path = folder / name
    path.write_bytes(data)
    before = _digest(cin.database)
    result = cin.run("import", str(path))
    figures.add("import files tried")
    assert "Traceback" not in result.stderr
    if result.returncode == 0:
        shutil.copy2(baseline, cin.database)
    else:
        figures.add("bad import files refused")
        assert _digest(cin.database) == before
        _assert_documented_refusal(result.returncode, result.stderr, str(path))


@pytest.mark.parametrize("name, data", [
    ("empty.json", b""), ("empty.csv", b""), ("bom.csv", b"\xef\xbb\xbf"),
    ("latin1.csv", "ref,name\nA-1,Zo\u00eb\n".encode("latin-1")), ("cases.xlsx", b"PK\x03\x04"),
    # Found by this test: nesting deeper than Python's recursion limit was once exit 70.
    ("deep.json", b"[" * 100000),
], ids=lambda value: value if isinstance(value, str) else "")
def test_unreadable_files_are_refused_cleanly(workspace, name: str, data: bytes) -> None:
    folder = workspace[0]
    status, stderr = _import_in_process(workspace, name, data)
    _assert_documented_refusal(status, stderr, str(folder / name))


def test_control_characters_in_values_are_not_echoed_raw(workspace) -> None:
    # Found by this test: a carriage return or an escape sequence in a value was once echoed
    # raw into the message, breaking its lines or driving the terminal.
    folder = workspace[0]
    record = case_records(1, prefix="NEW")[0]
    record["dob"] = "\r\x1b[2Jnot a date"
    status, stderr = _import_in_process(workspace, "control.json",
                                        json.dumps({"cases": [record]}).encode())
    assert "\x1b" not in stderr and "\r" not in stderr
    _assert_documented_refusal(status, stderr, str(folder / "control.json"))
