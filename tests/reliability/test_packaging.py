"""What an offline install ships: every Python package folder of the source tree is listed in
pyproject.toml, so the installed `cin` (wheelhouse or single file) is the same program as the
checkout. tools/offline_install_check.sh proves it end to end; this catches the usual slip
(a new sub-package not added to the list) in a second."""

from __future__ import annotations

import tomllib

from .helpers import REPO_ROOT

TOP_LEVEL = ("cin_tui", "models", "policies", "screens")


def test_every_package_folder_is_shipped() -> None:
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(REPO_ROOT).parts)
        for top in TOP_LEVEL
        for init in (REPO_ROOT / top).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
