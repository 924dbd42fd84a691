"""The pure core imports nothing from the UI or the database layers."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import policies

FORBIDDEN = ("textual", "sqlmodel", "sqlalchemy")


def test_policies_imports_without_textual_sqlmodel_or_sqlalchemy():
    # Every module of the package, found on disk (walking imports packages, which is fine:
    # the check below runs in a fresh interpreter).
    modules = sorted(info.name for info in pkgutil.walk_packages(policies.__path__, "policies."))
    assert {"policies.engine", "policies.packs", "policies.packs.loader",
            "policies.calendar"} <= set(modules)
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "from policies.packs import load_policies\n"
        "load_policies(None)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
