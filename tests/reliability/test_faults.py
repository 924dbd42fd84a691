"""Faults a user can meet: a read-only database, a second copy of cin holding the database, a
damaged database file, a folder or disk that cannot be written. Each gives a clear message (no
traceback) and loses nothing."""

from __future__ import annotations

import hashlib
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from .helpers import IS_ROOT, Cin, assert_clean_failure, database_state, make_cin, write_cases_json


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _with_cases(cin: Cin, tmp_path: Path, count: int = 3, prefix: str = "F") -> list[str]:
    seed = write_cases_json(tmp_path / f"seed-{prefix}.json", count, prefix=prefix)
    result = cin.run("import", str(seed))
    assert result.returncode == 0, result.stderr
    return database_state(cin.database)[1]


# Read-only database file


def test_read_only_database_says_so_and_is_untouched(cin: Cin, tmp_path: Path) -> None:
    refs = _with_cases(cin, tmp_path)
    more = write_cases_json(tmp_path / "more.json", 2, prefix="G")
    cin.database.chmod(0o400)  # the owner's write bit off: cin honours it even for root
    before = _digest(cin.database)

    message = assert_clean_failure(cin.run("import", str(more)))
    assert "read-only" in message
    assert "--db" in message  # says what to do instead
    assert _digest(cin.database) == before
    cin.database.chmod(0o600)
    assert database_state(cin.database)[1] == refs


def _run_as_nobody_possible() -> bool:
    return IS_ROOT and shutil.which("setpriv") is not None


@pytest.mark.skipif(not _run_as_nobody_possible(), reason="needs root and setpriv to switch to "
                    "an unprivileged user; the owner-write-bit test above covers the code path")
def test_read_only_database_for_an_ordinary_user(tmp_path: Path) -> None:
    # Permissions as an ordinary user meets them: the file belongs to someone else.
    shared = Path(tempfile.mkdtemp(prefix="cin-ro-", dir="/tmp"))
    try:
        shared.chmod(0o755)
        owner = make_cin(shared)
        shared.chmod(0o777)
        (shared / "network-attempts.log").touch(mode=0o666)
        _with_cases(owner, tmp_path)
        cin_data = owner.database.parent
        cin_data.chmod(0o755)
        owner.database.chmod(0o644)
        before = _digest(owner.database)
        more = write_cases_json(shared / "more.json", 2, prefix="G")
        more.chmod(0o644)

        env = dict(owner.env, HOME=str(shared), CIN_SETTINGS_DIR=str(shared / "nobody-settings"))
        as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable]
        probe = subprocess.run([*as_nobody, "-c", "import cin_tui"], env=env,
                               capture_output=True, text=True, timeout=60)
        if probe.returncode != 0:
            pytest.skip(f"the unprivileged user cannot run cin from here: {probe.stderr.strip()}")
        result = subprocess.run([*as_nobody, "-m", "cin_tui", "import", str(more)],
                                env=env, capture_output=True, text=True, timeout=120)
        message = assert_clean_failure(result)
        assert "read-only" in message or "cannot be written" in message
        assert _digest(owner.database) == before
    finally:
        shutil.rmtree(shared, ignore_errors=True)


# A second running copy holding the write lock


HOLD_WRITE_LOCK = textwrap.dedent("""
    import sqlite3, sys
    connection = sqlite3.connect(sys.argv[1], isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("UPDATE cases SET team = team")
    print("locked", flush=True)
    sys.stdin.readline()  # hold the lock until the test says stop
    connection.execute("ROLLBACK")
""")


def test_database_locked_by_another_copy(cin: Cin, tmp_path: Path) -> None:
    refs = _with_cases(cin, tmp_path)
    more = write_cases_json(tmp_path / "more.json", 2, prefix="G")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK, str(cin.database)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        # Reading still works while another copy is saving (write-ahead log).
        due = cin.run("due", "--json")
        assert due.returncode == 0, due.stderr
        # Saving waits a few seconds, then says what is going on.
        message = assert_clean_failure(cin.run("import", str(more)))
        assert "another copy of cin" in message
        assert "Nothing was saved" in message
    finally:
        holder.communicate("stop\n", timeout=30)
    assert database_state(cin.database)[1] == refs
    # Once the other copy lets go, the same import works.
    assert cin.run("import", str(more)).returncode == 0


# A damaged database file


@pytest.mark.parametrize("damage", ["overwritten", "truncated"])
def test_damaged_database_offers_the_latest_backup(cin: Cin, tmp_path: Path, damage: str) -> None:
    _with_cases(cin, tmp_path, prefix="F")
    _with_cases(cin, tmp_path, prefix="G")  # the second import makes an automatic backup first
    backups = sorted((cin.database.parent / "backups" / cin.database.name).glob("cin-*.db"))
    assert backups, "an import into a database with cases makes a backup first"
    data = cin.database.read_bytes()
    if damage == "overwritten":
        cin.database.write_bytes(b"\x00garbage from a failing disk" * (len(data) // 28))
    else:
        cin.database.write_bytes(data[: len(data) // 3])
    damaged = _digest(cin.database)

    message = assert_clean_failure(cin.run("due"))
    assert "damaged" in message
    assert f"cin restore {backups[-1]}" in message
    assert _digest(cin.database) == damaged  # left as it is, for IT to look at


# A folder or disk that cannot be written


def test_database_folder_that_cannot_be_made(cin: Cin, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    cin.env["CIN_DB"] = str(blocker / "cin.db")
    cases = write_cases_json(tmp_path / "cases.json", 2)
    message = assert_clean_failure(cin.run("import", str(cases)))
    assert "cannot be written" in message
    assert "--db" in message


def test_export_to_a_folder_that_cannot_be_written(cin: Cin, tmp_path: Path) -> None:
    _with_cases(cin, tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    message = assert_clean_failure(cin.run("export", str(blocker / "out.json")))
    assert str(blocker) in message


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs RLIMIT_FSIZE")
def test_disk_full_during_import_loses_nothing(cin: Cin, tmp_path: Path) -> None:
    refs = _with_cases(cin, tmp_path)
    big = write_cases_json(tmp_path / "big.json", 400, prefix="BIG")
    # No file may grow past this size: the database as it is plus a little, as on a full disk.
    limit = cin.database.stat().st_size + 32 * 1024

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run([sys.executable, "-m", "cin_tui", "import", str(big)], env=cin.env,
                            capture_output=True, text=True, timeout=120, preexec_fn=small_disk)
    message = assert_clean_failure(result)
    assert "could not be written" in message or "cannot be written" in message
    problems, after, _ = database_state(cin.database)
    assert problems == []
    assert after == refs
