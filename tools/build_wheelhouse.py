#!/usr/bin/env python3
"""Build a wheelhouse: cin-tui and every runtime dependency as wheels, for offline installs.

Run on a machine with internet access, copy the folder to the offline machine, then:

    python -m pip install --no-index --find-links wheelhouse cin-tui

Usage:
    python tools/build_wheelhouse.py [--out wheelhouse] [--target linux-x86_64 ...]
                                     [--python 3.11 --python 3.12] [--host-only]

One flat folder serves every platform: pip picks the wheels whose tags match the machine.
Versions are resolved once (for the build machine) and pinned for every other target, so all
platforms get the same versions. `pip download --platform` evaluates dependency markers for the
build machine, not the target, so after downloading, every target is checked again by walking the
wheels' own metadata with that target's markers, and anything missing is fetched.
Writes SHA256SUMS (checkable with `sha256sum -c`) and pins.txt (the resolved versions).
"""

from __future__ import annotations

import argparse
import email.parser
import hashlib
import platform
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

try:  # pip always carries a copy of packaging; prefer a real install if there is one
    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.tags import Tag, compatible_tags, cpython_tags, mac_platforms
    from packaging.utils import canonicalize_name, parse_wheel_filename
except ImportError:  # pragma: no cover - depends on the build machine
    from pip._vendor.packaging.markers import default_environment
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.tags import Tag, compatible_tags, cpython_tags, mac_platforms
    from pip._vendor.packaging.utils import canonicalize_name, parse_wheel_filename

PROJECT_ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "cin-tui"
DEFAULT_PYTHONS = ("3.11", "3.12")


@dataclass(frozen=True)
class Platform:
    """A target operating system and CPU, as pip's --platform tags and PEP 508 marker values."""

    name: str
    pip_platforms: tuple[str, ...]
    sys_platform: str
    platform_system: str
    platform_machine: str
    os_name: str

    def tag_platforms(self) -> list[str]:
        """Every platform tag a wheel may carry and still install on this target."""
        tags: list[str] = []
        for plat in self.pip_platforms:
            if plat.startswith("macosx_"):
                _, major, minor, arch = plat.split("_", 3)
                tags.extend(mac_platforms((int(major), int(minor)), arch))
            elif plat.startswith("manylinux_"):
                _, glibc_major, glibc_minor, arch = plat.split("_", 3)
                for minor in range(int(glibc_minor), 16, -1):
                    tags.append(f"manylinux_{glibc_major}_{minor}_{arch}")
                tags.extend([f"manylinux2014_{arch}", f"manylinux2010_{arch}",
                             f"manylinux1_{arch}", f"linux_{arch}"])
            else:
                tags.append(plat)
        return tags


# Linux: manylinux_2_28 = glibc 2.28 or newer (Debian 10+, Ubuntu 20.04+, RHEL 8+).
# macOS: 11 (Big Sur) or newer; older macOS wheels are accepted too (pip expands the tag).
PLATFORMS = {
    "windows-x86_64": Platform("windows-x86_64", ("win_amd64",), "win32", "Windows", "AMD64",
                               "nt"),
    "linux-x86_64": Platform("linux-x86_64", ("manylinux_2_28_x86_64",), "linux", "Linux",
                             "x86_64", "posix"),
    "macos-x86_64": Platform("macos-x86_64", ("macosx_11_0_x86_64",), "darwin", "Darwin",
                             "x86_64", "posix"),
    "macos-arm64": Platform("macos-arm64", ("macosx_11_0_arm64",), "darwin", "Darwin", "arm64",
                            "posix"),
}


@dataclass(frozen=True)
class Target:
    platform: Platform
    python: str  # "3.11"

    @property
    def abi(self) -> str:
        return "cp" + self.python.replace(".", "")

    @property
    def label(self) -> str:
        return f"{self.platform.name}/cp{self.python}"

    def pip_args(self) -> list[str]:
        args = ["--only-binary=:all:", "--implementation", "cp",
                "--python-version", self.python, "--abi", self.abi]
        # pip does not widen every tag (manylinux_2_28 alone would refuse manylinux_2_17 wheels),
        # so pass every compatible platform tag explicitly.
        for plat in self.platform.tag_platforms():
            args += ["--platform", plat]
        return args

    def marker_environment(self) -> dict[str, str]:
        env = default_environment()
        env.update(
            sys_platform=self.platform.sys_platform,
            platform_system=self.platform.platform_system,
            platform_machine=self.platform.platform_machine,
            os_name=self.platform.os_name,
            python_version=self.python,
            python_full_version=self.python + ".0",
            implementation_name="cpython",
            platform_python_implementation="CPython",
        )
        return env

    def supported_tags(self) -> set[Tag]:
        version = tuple(int(p) for p in self.python.split("."))
        plats = self.platform.tag_platforms()
        tags = set(cpython_tags(version, [self.abi], plats))
        tags |= set(compatible_tags(version, "cp" + self.python.replace(".", ""), plats))
        return tags


def host_platform_name() -> str | None:
    machine = platform.machine().lower()
    if sys.platform.startswith("linux") and machine in ("x86_64", "amd64"):
        return "linux-x86_64"
    if sys.platform == "win32" and machine in ("amd64", "x86_64"):
        return "windows-x86_64"
    if sys.platform == "darwin":
        return "macos-arm64" if machine == "arm64" else "macos-x86_64"
    return None


def run(cmd: list[str], **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, check=True, **kwargs)


def pip(*args: str) -> list[str]:
    # --isolated: ignore PIP_* variables and the user's pip.conf (extra indexes, find-links),
    # so the wheelhouse holds exactly what PyPI serves for these requirements.
    return [sys.executable, "-m", "pip", "--isolated", "--disable-pip-version-check", *args]


def copy_source_tree(dest: Path) -> Path:
    """Copy the project without build leftovers, so a stale build/ cannot leak into the wheel."""
    ignore = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__",
                                    ".pytest_cache", ".hypothesis", "tests", "bench", "wheelhouse",
                                    "*.pyz", "*.db", "*.db-wal", "*.db-shm")
    src = dest / "src"
    shutil.copytree(PROJECT_ROOT, src, symlinks=True, ignore=ignore)
    return src


def build_app_wheel(out: Path) -> Path:
    with tempfile.TemporaryDirectory(prefix="cin-wheel-") as tmp:
        src = copy_source_tree(Path(tmp))
        built = Path(tmp) / "dist"
        run(pip("wheel", "--no-deps", "--wheel-dir", str(built), str(src)))
        (wheel,) = built.glob("cin_tui-*.whl")
        for old in out.glob("cin_tui-*.whl"):
            old.unlink()
        return Path(shutil.copy2(wheel, out))


def wheel_metadata(path: Path) -> tuple[str, str, list[str]]:
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist()
                    if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        msg = email.parser.Parser().parsestr(zf.read(name).decode("utf-8"))
    return msg["Name"], msg["Version"], msg.get_all("Requires-Dist") or []


def index_wheelhouse(out: Path) -> dict[str, list[Path]]:
    by_name: dict[str, list[Path]] = {}
    for whl in sorted(out.glob("*.whl")):
        name, _, _, _ = parse_wheel_filename(whl.name)
        by_name.setdefault(canonicalize_name(name), []).append(whl)
    return by_name


def missing_for_target(out: Path, target: Target) -> list[str]:
    """Walk requirements from the app wheel with the target's markers; list what has no wheel."""
    by_name = index_wheelhouse(out)
    env = target.marker_environment()
    tags = target.supported_tags()
    missing: list[str] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    queue = [Requirement(APP_NAME)]
    while queue:
        req = queue.pop()
        key = (canonicalize_name(req.name), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        candidates = [w for w in by_name.get(key[0], [])
                      if parse_wheel_filename(w.name)[1] in req.specifier
                      and tags & set(parse_wheel_filename(w.name)[3])]
        if not candidates:
            missing.append(str(req))
            continue
        _, _, requires = wheel_metadata(candidates[-1])
        for line in requires:
            dep = Requirement(line)
            wanted_by = req.extras or {""}
            if dep.marker is None or any(dep.marker.evaluate({**env, "extra": e})
                                         for e in wanted_by):
                dep.marker = None
                queue.append(dep)
    return missing


def resolved_pins(out: Path) -> list[str]:
    pins = []
    for name, wheels in sorted(index_wheelhouse(out).items()):
        if name == canonicalize_name(APP_NAME):
            continue
        version = parse_wheel_filename(wheels[-1].name)[1]
        pins.append(f"{name}=={version}")
    return pins


def write_manifest(out: Path) -> Path:
    lines = []
    for whl in sorted(out.glob("*.whl")):
        digest = hashlib.sha256(whl.read_bytes()).hexdigest()
        lines.append(f"{digest}  {whl.name}\n")
    manifest = out / "SHA256SUMS"
    manifest.write_text("".join(lines), encoding="utf-8")
    return manifest


def build(out: Path, targets: list[Target], constraints: Path | None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app_wheel = build_app_wheel(out)
    print(f"built {app_wheel.name}")
    extra = ["--constraint", str(constraints)] if constraints else []
    find_app = ["--find-links", str(out)]

    # 1. Resolve once, for the first target, and pin those versions for all the others.
    first, *rest = targets
    run(pip("download", "--dest", str(out), *find_app, *extra, *first.pip_args(), APP_NAME))
    pins_file = out / "pins.txt"
    pins_file.write_text("".join(p + "\n" for p in resolved_pins(out)), encoding="utf-8")
    for target in rest:
        run(pip("download", "--dest", str(out), *find_app, "--constraint", str(pins_file),
                *target.pip_args(), APP_NAME))

    # 2. pip judged markers by this machine; fetch what each target needs by its own markers.
    for target in targets:
        for _ in range(10):
            missing = missing_for_target(out, target)
            if not missing:
                break
            print(f"{target.label}: fetching {', '.join(missing)} "
                  "(markers differ from this machine)")
            for req in missing:
                run(pip("download", "--no-deps", "--dest", str(out), "--constraint", str(pins_file),
                        *target.pip_args(), req))
        else:
            raise SystemExit(f"{target.label}: still missing {missing}")
        print(f"ok  {target.label}: every requirement has a wheel")

    manifest = write_manifest(out)
    count = len(list(out.glob("*.whl")))
    size = sum(w.stat().st_size for w in out.glob("*.whl")) / 1e6
    print(f"wheelhouse {out}: {count} wheels, {size:.1f} MB; manifest {manifest.name}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "dist" / "wheelhouse",
                        help="folder to fill (default: dist/wheelhouse)")
    parser.add_argument("--target", action="append", choices=sorted(PLATFORMS),
                        help="platform to include (repeatable; default: all four)")
    parser.add_argument("--python", action="append",
                        help="Python version to include, e.g. 3.12 "
                             "(repeatable; default: 3.11 and 3.12)")
    parser.add_argument("--host-only", action="store_true",
                        help="only this machine's platform and Python version (quick; used by CI)")
    parser.add_argument("--constraints", type=Path,
                        help="a pip constraints/lock file to pin versions")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.host_only:
        host = host_platform_name()
        if host is None:
            raise SystemExit("no wheelhouse target for this machine "
                             f"({sys.platform} {platform.machine()})")
        platforms = [host]
        pythons = [f"{sys.version_info.major}.{sys.version_info.minor}"]
    else:
        platforms = args.target or list(PLATFORMS)
        pythons = args.python or list(DEFAULT_PYTHONS)
    targets = [Target(PLATFORMS[p], py) for p in platforms for py in pythons]
    build(args.out.resolve(), targets, args.constraints)
    return 0


if __name__ == "__main__":
    sys.exit(main())
