"""Helpers for the reliability tests: run `cin` as a user would, in its own process, with its
own database and settings folder, optionally with the network switched off."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
NONET_DIR = REPO_ROOT / "tools" / "nonet"
# The project's fixed "today" for tests: Monday 23 Nov 2026.
TODAY_ISO = "2026-11-23"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass
class Cin:
    """A `cin` for one test: its own database, settings folder and (optionally) no network."""

    env: dict[str, str]
    database: Path
    nonet_log: Path

    def __repr__(self) -> str:  # the environment is long and says nothing useful in a failure
        return f"Cin(database={str(self.database)!r})"

    def run(self, *args: str, timeout: float = 120, cwd: Path | None = None,
            umask: int | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cin_tui", *args],
            env=self.env, capture_output=True, text=True, timeout=timeout, cwd=cwd,
            preexec_fn=None if umask is None else (lambda: os.umask(umask)),
        )

    def popen(self, *args: str, **kwargs) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "cin_tui", *args], env=self.env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs,
        )

    def python(self, code: str, *args: str,
               timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", code, *args], env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def network_attempts(self) -> list[str]:
        if not self.nonet_log.exists():
            return []
        return self.nonet_log.read_text(encoding="utf-8").splitlines()


def make_cin(folder: Path, *, network: bool = False) -> Cin:
    folder.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CIN_", "PYTHON"))}
    database = folder / "data" / "cin.db"
    nonet_log = folder / "network-attempts.log"
    env.update(
        CIN_DB=str(database),
        CIN_SETTINGS_DIR=str(folder / "settings"),
        CIN_TODAY=TODAY_ISO,
        HOME=str(folder / "home"),
        XDG_DATA_HOME=str(folder / "home" / "data"),
        XDG_CONFIG_HOME=str(folder / "home" / "config"),
        PYTHONPATH=str(REPO_ROOT) if network else os.pathsep.join([str(NONET_DIR), str(REPO_ROOT)]),
        CIN_NONET_LOG=str(nonet_log),
        PYTHONDONTWRITEBYTECODE="1",
        COLUMNS="100",
    )
    return Cin(env=env, database=database, nonet_log=nonet_log)


def assert_clean_failure(result: subprocess.CompletedProcess[str]) -> str:
    """The command failed the way a user should see it: non-zero, a message, no traceback."""
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout
    assert result.stderr.strip(), "a failure must say what went wrong"
    return result.stderr


# Test data


def first_policy_id() -> str:
    """A shipped policy pack's id (the tests do not depend on which)."""
    from policies.packs import load_policies

    return sorted(load_policies(None))[0]


def case_records(count: int, *, prefix: str = "K", policy: str | None = None) -> list[dict]:
    """`count` valid JSON case records, each with a little history, all before TODAY_ISO."""
    policy = policy or first_policy_id()
    return [
        {
            "ref": f"{prefix}-{n:05d}",
            "name": f"Test Child {prefix}{n}",
            "dob": "2015-03-14",
            "policy": policy,
            "worker": "Sam Patel",
            "team": "North",
            "allocated": "2026-09-01",
            "visits": [
                {"date": "2026-09-10", "seen": True, "seen_alone": True,
                 "childs_voice": "Says school is going better."},
                {"date": "2026-10-08", "seen": True, "seen_alone": False,
                 "not_alone_reason": "Child asked for mum to stay."},
            ],
        }
        for n in range(1, count + 1)
    ]


def write_cases_json(path: Path, count: int, *, prefix: str = "K",
                     policy: str | None = None) -> Path:
    import json

    path.write_text(json.dumps({"cases": case_records(count, prefix=prefix, policy=policy)}),
                    encoding="utf-8")
    return path


def database_state(path: Path) -> tuple[list[str], list[str], int]:
    """(integrity problems, case refs, number of visits), read as cin would reopen the file."""
    import sqlite3

    from models.backup import integrity_problems

    problems = integrity_problems(path)
    connection = sqlite3.connect(path)
    try:
        refs = [r for (r,) in connection.execute("SELECT ref FROM cases ORDER BY ref")]
        visits = connection.execute("SELECT count(*) FROM visits").fetchone()[0]
    finally:
        connection.close()
    return problems, refs, visits
