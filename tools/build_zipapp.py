#!/usr/bin/env python3
"""Build cin as a single file (a shiv zipapp) that runs with a plain Python: `python cin.pyz due`.

Usage:
    python tools/build_zipapp.py [--platform linux-x86_64] [--python 3.11 --python 3.12 ...]
                                 [--wheelhouse DIR] [--out FILE]

Two dependencies (pydantic-core, and SQLAlchemy's and MarkupSafe's speed-ups) are compiled, so a
zipapp only runs on the operating system and CPU it was built for: build one per platform. One
file can serve several Python versions, because compiled modules carry the Python version in their
file names (`_pydantic_core.cpython-311-x86_64-linux-gnu.so`, `...cpython-312-...`): each version's
wheels are installed separately and merged. The default is Python 3.11, 3.12 and 3.13.

shiv is a build-time tool only. It is installed into a throwaway virtual environment made by this
script and is never a dependency of cin-tui. The zipapp it writes uses only the standard library to
start: on first run it unpacks itself into ~/.shiv (or $SHIV_ROOT) and runs from there.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import venv
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_wheelhouse as wh

SHIV_REQUIREMENT = "shiv==1.0.8"
ZIPAPP_PYTHONS = ("3.11", "3.12", "3.13")


def make_tool_venv(where: Path) -> Path:
    """A throwaway venv holding shiv; returns the path of its shiv command."""
    venv.EnvBuilder(with_pip=True).create(where)
    bindir = where / ("Scripts" if sys.platform == "win32" else "bin")
    python = bindir / ("python.exe" if sys.platform == "win32" else "python")
    wh.run([str(python), "-m", "pip", "--isolated", "--disable-pip-version-check", "install",
            "--quiet", SHIV_REQUIREMENT])
    return bindir / ("shiv.exe" if sys.platform == "win32" else "shiv")


def install_for(target: wh.Target, wheelhouse: Path, dest: Path) -> None:
    """Install cin-tui and its dependencies for one target from the wheelhouse only."""
    wh.run(wh.pip("install", "--quiet", "--no-warn-conflicts", "--no-index",
                  "--find-links", str(wheelhouse), "--target", str(dest), "--no-compile",
                  *target.pip_args(), wh.APP_NAME))


def merge_tree(src: Path, dest: Path) -> None:
    # Files with the same name are the same release (versions are pinned across targets);
    # compiled modules differ by name per Python version, so they sit side by side.
    shutil.copytree(src, dest, dirs_exist_ok=True)


def build(platform_name: str, pythons: list[str], wheelhouse: Path | None, out: Path) -> Path:
    targets = [wh.Target(wh.PLATFORMS[platform_name], py) for py in pythons]
    with tempfile.TemporaryDirectory(prefix="cin-zipapp-") as tmp_name:
        tmp = Path(tmp_name)
        if wheelhouse is None:
            wheelhouse = tmp / "wheelhouse"
            wh.build(wheelhouse, targets, constraints=None)
        site = tmp / "site-packages"
        site.mkdir()
        for target in targets:
            part = tmp / f"site-{target.python}"
            install_for(target, wheelhouse, part)
            merge_tree(part, site)
        for cache in site.rglob("__pycache__"):
            shutil.rmtree(cache, ignore_errors=True)
        shiv = make_tool_venv(tmp / "tools-venv")
        out.parent.mkdir(parents=True, exist_ok=True)
        wh.run([str(shiv), "--site-packages", str(site), "--entry-point", "cin_tui.cli:main",
                "--python", "/usr/bin/env python3", "--compressed", "--reproducible",
                "--output-file", str(out)])
    print(f"built {out} ({out.stat().st_size / 1e6:.1f} MB) for {platform_name}, "
          f"Python {', '.join(pythons)}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--platform", choices=sorted(wh.PLATFORMS), default=wh.host_platform_name(),
                        help="operating system and CPU the file will run on "
                             "(default: this machine)")
    parser.add_argument("--python", action="append",
                        help="Python version to support (repeatable; default: 3.11, 3.12, 3.13)")
    parser.add_argument("--wheelhouse", type=Path,
                        help="an existing wheelhouse to install from (default: build a fresh one)")
    parser.add_argument("--out", type=Path, help="output file (default: dist/cin-<platform>.pyz)")
    args = parser.parse_args(argv)
    if args.platform is None:
        parser.error("this machine is not a known target: pass --platform")
    pythons = args.python or list(ZIPAPP_PYTHONS)
    out = (args.out or wh.PROJECT_ROOT / "dist" / f"cin-{args.platform}.pyz").resolve()
    build(args.platform, pythons, args.wheelhouse and args.wheelhouse.resolve(), out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
