"""Plain helpers for the `cin` command tests (fixtures are in conftest.py)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

TODAY = "2026-11-23"  # a Monday


def write_json(path: Path, cases: list[dict]) -> Path:
    path.write_text(json.dumps({"cases": cases}, indent=2), encoding="utf-8")
    return path


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def case(ref: str = "C-0001", **fields) -> dict:
    """A minimal valid Wirral case; keyword arguments override or add fields."""
    record = {"ref": ref, "name": "Test Child", "allocated": "2026-09-01", "policy": "wirral"}
    record.update(fields)
    return record
