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


PACKAGES = ("cin_tui", "screens", "models", "policies")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path, known: set[str]) -> set[str]:
    return _imports_in(path.read_text(encoding="utf-8"), _module_name(path),
                       is_package=path.name == "__init__.py", known=known)


def _imports_in(source: str, name: str, *, is_package: bool, known: set[str]) -> set[str]:
    """The app's own modules the module `name` imports, at the top or inside a function."""
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in known else base)
    return (found & known) - {name}


def test_no_module_imports_itself_in_a_circle() -> None:
    """Each module can be understood (and tested) from the ones below it: no import cycles,
    counting imports inside functions, which a cycle would otherwise hide in."""
    paths = {_module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}
    known = set(paths)
    graph = {name: _imported_modules(path, known) for name, path in paths.items()}

    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for imported in sorted(graph[name]):
            if state.get(imported) == 1:
                cycles.append([*path[path.index(imported):], imported])
            elif imported not in state:
                visit(imported)
        path.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)
    assert cycles == []


def test_the_cycle_finder_sees_imports_inside_functions_and_relative_ones() -> None:
    known = {"models", "models.a", "models.b", "models.c"}
    source = "from . import c\n\ndef f():\n    from models import b\n"
    assert _imports_in(source, "models.a", is_package=False, known=known) == {"models.b",
                                                                              "models.c"}
