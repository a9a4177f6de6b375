"""SQL for the audit log: every decision, human or automatic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from parvis.domain.audit import AUTOMATIC, NO_RULE, AuditEntry, AuditFilter, AuditRecord
from parvis.store.db import utc
from parvis.store.schema import audit_log, comments, moderators, threads


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
    batch: str | None = None,
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
            batch=batch,
        )
    )


def for_comment(conn: Connection, comment_id: int) -> list[AuditEntry]:
    return _entries(conn, audit_log.c.comment_id == comment_id, limit=1000)


def has_action(conn: Connection, comment_id: int, actions: tuple[str, ...]) -> bool:
    return (
        conn.execute(
            select(audit_log.c.id)
            .where(audit_log.c.comment_id == comment_id, audit_log.c.action.in_(actions))
            .limit(1)
        ).first()
        is not None
    )


def last_decision(conn: Connection, moderator_id: int, comment_id: int) -> AuditEntry | None:
    """The moderator's latest approve/reject of this comment (what an undo takes back)."""
    found = _entries(
        conn,
        (audit_log.c.moderator_id == moderator_id)
        & (audit_log.c.comment_id == comment_id)
        & audit_log.c.action.in_(("approve", "reject")),
        limit=1,
    )
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class BatchApproval:
    """One comment approved by a bulk approval."""

    entry_id: int
    at: datetime
    moderator_id: int | None
    comment_id: int
    thread_id: int | None


def in_batch(conn: Connection, batch: str) -> list[BatchApproval]:
    rows = conn.execute(
        select(audit_log)
        .where(audit_log.c.batch == batch, audit_log.c.action == "approve")
        .order_by(audit_log.c.id)
    )
    return [
        BatchApproval(
            entry_id=r.id,
            at=utc(r.at),  # type: ignore[arg-type]
            moderator_id=r.moderator_id,
            comment_id=r.comment_id,
            thread_id=r.thread_id,
        )
        for r in rows
    ]


def decided_after(
    conn: Connection, comment_ids: list[int], after_id: int, *, except_batch: str
) -> set[int]:
    """The comments someone (a moderator, the charter, readers' reports) decided on since
    the entry `after_id`, that batch's own entries aside."""
    if not comment_ids:
        return set()
    rows = conn.execute(
        select(audit_log.c.comment_id).where(
            audit_log.c.comment_id.in_(comment_ids),
            audit_log.c.id > after_id,
            audit_log.c.action != "report",
            (audit_log.c.batch.is_(None)) | (audit_log.c.batch != except_batch),
        )
    )
    return {int(r[0]) for r in rows}


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
    return [_entry(r) for r in conn.execute(stmt)]


# ---- The audit page and its CSV export: filters, the comment and article of each entry.


def _conditions(f: AuditFilter) -> list[Any]:
    where: list[Any] = []
    if f.moderator == AUTOMATIC:
        where.append(audit_log.c.moderator_id.is_(None))
    elif isinstance(f.moderator, int):
        where.append(audit_log.c.moderator_id == f.moderator)
    if f.action:
        where.append(audit_log.c.action == f.action)
    if f.rule == NO_RULE:
        where.append(audit_log.c.rule.is_(None))
    elif f.rule:
        where.append(audit_log.c.rule == f.rule)
    if f.since is not None:
        where.append(audit_log.c.at >= f.since)
    if f.until is not None:
        where.append(audit_log.c.at < f.until)
    if f.thread_id is not None:
        where.append(audit_log.c.thread_id == f.thread_id)
    return where


def search(
    conn: Connection, f: AuditFilter, before: int | None = None, limit: int = 50
) -> list[AuditRecord]:
    """Entries matching `f`, newest first, keyset-paged on the id (`before`: exclusive)."""
    stmt = (
        select(
            audit_log,
            moderators.c.name.label("moderator_name"),
            threads.c.uri.label("thread_uri"),
            threads.c.title.label("thread_title"),
            comments.c.author.label("comment_author"),
            comments.c.status.label("comment_status"),
        )
        .outerjoin(moderators, moderators.c.id == audit_log.c.moderator_id)
        .outerjoin(threads, threads.c.id == audit_log.c.thread_id)
        .outerjoin(comments, comments.c.id == audit_log.c.comment_id)
        .where(*_conditions(f))
        .order_by(audit_log.c.id.desc())
        .limit(limit)
    )
    if before is not None:
        stmt = stmt.where(audit_log.c.id < before)
    return [
        AuditRecord(
            entry=_entry(r),
            thread_uri=r.thread_uri,
            thread_title=r.thread_title,
            comment_author=r.comment_author,
            comment_status=r.comment_status,
        )
        for r in conn.execute(stmt)
    ]


def _entry(r: Any) -> AuditEntry:
    return AuditEntry(
        id=r.id,
        at=utc(r.at),  # type: ignore[arg-type]
        moderator=r.moderator_name,
        action=r.action,
        comment_id=r.comment_id,
        thread_id=r.thread_id,
        rule=r.rule,
        note=r.note,
        batch=r.batch,
    )
