"""Writing the audit trail: one `AuditEntry` per change, never updated or deleted."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, SQLModel

from models import versions
from models.tables import AuditEntry


def utc_now() -> datetime:
    """The clock for audit timestamps (the real time of the change, not the app's "today")."""
    return datetime.now(UTC)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    case_ref: str | None,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            at=utc_now(),
            actor=actor,
            action=action,
            case_ref=case_ref,
            summary=summary,
            before=json_safe(before),
            after=json_safe(after),
            # Every audited change to a case bumps its version (models/versions.py).
            case_version=versions.made_version(session, case_ref),
        )
    )


def record_many(session: Session, entries: list[dict[str, Any]], *,
                json_ready: bool = False) -> None:
    """Bulk form of `record` for imports: each dict has the keyword arguments of `record`.
    `json_ready`: before/after hold only JSON values already (no dates), as the bulk import
    builds them; walking a big import's history again would cost more than writing it."""
    if not entries:
        return
    safe = (lambda value: value) if json_ready else json_safe
    versions.claim_many(session, (e["case_ref"] for e in entries if e.get("case_ref")))
    at = utc_now()
    rows = [
        {
            "at": at,
            "actor": e["actor"],
            "action": e["action"],
            "case_ref": e.get("case_ref"),
            "summary": e["summary"],
            "before": safe(e.get("before")),
            "after": safe(e.get("after")),
            "case_version": versions.made_version(session, e.get("case_ref")),
        }
        for e in entries
    ]
    session.execute(insert(AuditEntry), rows)


def snapshot(row: SQLModel | None, *, exclude: tuple[str, ...] = ()) -> dict[str, Any] | None:
    """A row's columns as a JSON-ready dict (dates as ISO text)."""
    if row is None:
        return None
    return json_safe(
        {k: v for k, v in row.model_dump().items() if k not in exclude}
    )


def json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [json_safe(v) for v in value]
        return sorted(items) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
