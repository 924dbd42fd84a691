"""Files private to their owner: the database, its backups and exports are created readable and
writable by their owner only (0600), and cin's own folders by the owner only (0700), whatever
the user's umask says."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from .helpers import Cin, write_cases_json

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_backups_and_exports_are_private_even_with_an_open_umask(
    cin: Cin, tmp_path: Path
) -> None:
    first = write_cases_json(tmp_path / "first.json", 2, prefix="P")
    second = write_cases_json(tmp_path / "second.json", 2, prefix="Q")
    exports = tmp_path / "exports"
    exports.mkdir()
    # umask 0 would make ordinary files world-readable (0666): cin must not rely on the umask.
    for command in (("import", str(first)), ("import", str(second)),
                    ("export", str(exports / "cases.json")), ("export", str(exports / "cases.csv")),
                    ("backup", str(exports / "by-hand.db")), ("backup",)):
        result = cin.run(*command, umask=0)
        assert result.returncode == 0, (command, result.stderr)

    backups = sorted((cin.database.parent / "backups" / cin.database.name).glob("cin-*.db"))
    assert len(backups) == 2, "the second import backs the database up first; so does `cin backup`"
    files = [cin.database, *backups, exports / "cases.json", exports / "cases.csv",
             exports / "by-hand.db"]
    assert {str(f): oct(_mode(f)) for f in files} == {str(f): oct(0o600) for f in files}
    for folder in (cin.database.parent, cin.database.parent / "backups",
                   cin.database.parent / "backups" / cin.database.name):
        assert _mode(folder) == 0o700, folder


def test_an_export_over_an_existing_readable_file_becomes_private(cin: Cin, tmp_path: Path) -> None:
    cases = write_cases_json(tmp_path / "cases.json", 1, prefix="P")
    assert cin.run("import", str(cases)).returncode == 0
    target = tmp_path / "out.csv"
    target.write_text("old, world-readable content")
    target.chmod(0o644)
    assert cin.run("export", str(target)).returncode == 0
    assert _mode(target) == 0o600
