"""The test folders never stand in for the app's packages.

tests/screens, tests/models and tests/policies share names with the app's packages. Under
pytest's default "prepend" import mode a test folder with an `__init__.py` was imported under its
own name (tests/screens as `screens`), so `import screens` could give the test folder, depending
on the working directory. pyproject.toml sets `--import-mode=importlib` and tests/ is a package,
so every test module is imported as `tests.<folder>.<module>` and sys.path is left alone.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
APP_PACKAGES = ("cin_tui", "models", "policies", "screens")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def test_pytest_runs_in_importlib_mode(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.getoption("importmode") == "importlib"


@pytest.mark.parametrize("name", APP_PACKAGES)
def test_an_app_package_name_imports_the_app_package(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__file__ is not None
    assert Path(module.__file__).resolve() == ROOT / name / "__init__.py"


def test_every_test_module_loaded_is_named_under_tests() -> None:
    misnamed = sorted(
        f"{name} from {Path(file).resolve().relative_to(ROOT)}"
        for name, module in list(sys.modules.items())
        if (file := getattr(module, "__file__", None))
        and _inside(Path(file).resolve(), TESTS)
        and name != "tests" and not name.startswith("tests.")
    )
    assert misnamed == []


def test_no_test_folder_is_on_sys_path() -> None:
    on_path = [entry for entry in sys.path if entry and _inside(Path(entry).resolve(), TESTS)]
    assert on_path == []
