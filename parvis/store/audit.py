"""SQL for the audit log: every decision, human or automatic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from parvis.store.db import utc
from parvis.store.schema import audit_log, moderators


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    moderator: str | None  # None: decided automatically by the charter
    action: str
    comment_id: int | None
    thread_id: int | None
    rule: str | None
    note: str | None


def record(
    conn: Connection,
    *,
    at: datetime,
    action: str,
    moderator_id: int | None = None,
    comment_id: int | None = None,
    thread_id: int | None = None,
    rule: str | None = None,
    note: str | None = None,
) -> None:
    conn.execute(
        audit_log.insert().values(
            at=at,
            moderator_id=moderator_id,
            action=action,
            comment_id=comment_id,
            thread_id=thread_id,
            rule=rule,
            note=note,
        )
    )


def for_comment(conn: Connection, comment_id: int) -> list[AuditEntry]:
    return _entries(conn, audit_log.c.comment_id == comment_id, limit=1000)


def latest(conn: Connection, limit: int = 100) -> list[AuditEntry]:
    return _entries(conn, None, limit)


def _entries(conn: Connection, where: object, limit: int) -> list[AuditEntry]:
    stmt = (
        select(audit_log, moderators.c.name.label("moderator_name"))
        .outerjoin(moderators, moderators.c.id == audit_log.c.moderator_id)
        .order_by(audit_log.c.id.desc())
        .limit(limit)
    )
    if where is not None:
        stmt = stmt.where(where)  # type: ignore[arg-type]
    return [
        AuditEntry(
            id=r.id,
            at=utc(r.at),  # type: ignore[arg-type]
            moderator=r.moderator_name,
            action=r.action,
            comment_id=r.comment_id,
            thread_id=r.thread_id,
            rule=r.rule,
            note=r.note,
        )
        for r in conn.execute(stmt)
    ]
