"""The layers run one way (docs/architecture.md): policies <- models <- screens <- cin_tui.

Read every module's imports from its source (including imports inside functions), so a lazy
import that breaks the direction is caught too. tests/policies/test_import_hygiene.py checks
the same for policies at run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> top-level names it must never import
FORBIDDEN = {
    "policies": {"textual", "sqlmodel", "sqlalchemy", "alembic", "models", "screens", "cin_tui"},
    "models": {"textual", "screens", "cin_tui"},
    "screens": {"cin_tui"},
}


def imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_layers_below_it(package: str) -> None:
    offences = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in sorted(imported_top_levels(path) & FORBIDDEN[package])
    ]
    assert offences == []
