"""SQL for readers' reports ("Alerter") on a comment or on an article."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, func, select, update

from parvis.domain.comment import CommentStatus
from parvis.store.db import insert as upsert
from parvis.store.schema import comments, reports

OPEN_STATUSES = (CommentStatus.PUBLISHED.value, CommentStatus.PENDING.value)


@dataclass(frozen=True, slots=True)
class NewReport:
    thread_id: int
    comment_id: int | None
    reason: str
    note: str | None
    reader: str
    client_hash: str
    created: datetime


@dataclass(frozen=True, slots=True)
class ReportedTarget:
    """One reported comment (or article) with its open reports, for the reports queue."""

    thread_id: int
    comment_id: int | None
    count: int
    risk: float
    reasons: dict[str, int]
    notes: list[str]


def target_of(thread_id: int, comment_id: int | None) -> str:
    return f"c{comment_id}" if comment_id is not None else f"t{thread_id}"


def add(conn: Connection, new: NewReport) -> bool:
    """Store a report; False when this reader (cookie or client) already reported it."""
    stmt = (
        upsert(conn, reports)
        .values(
            thread_id=new.thread_id,
            comment_id=new.comment_id,
            target=target_of(new.thread_id, new.comment_id),
            reason=new.reason,
            note=new.note,
            reader=new.reader,
            client_hash=new.client_hash,
            created=new.created,
        )
        .on_conflict_do_nothing()
        .returning(reports.c.id)
    )
    return conn.execute(stmt).first() is not None


def count_open(conn: Connection, thread_id: int, comment_id: int | None) -> int:
    stmt = select(func.count()).where(
        reports.c.target == target_of(thread_id, comment_id), reports.c.resolved.is_(None)
    )
    return int(conn.execute(stmt).scalar_one())


def resolve(conn: Connection, thread_id: int, comment_id: int | None, now: datetime) -> int:
    """Close the open reports on a target (a moderator looked at it); returns how many."""
    result = conn.execute(
        update(reports)
        .where(reports.c.target == target_of(thread_id, comment_id), reports.c.resolved.is_(None))
        .values(resolved=now)
    )
    return int(result.rowcount)


def _open_targets() -> Select[Any]:
    """Open reports per target, skipping comments already removed or deleted."""
    return (
        select(
            reports.c.target,
            func.min(reports.c.thread_id).label("thread_id"),
            func.min(reports.c.comment_id).label("comment_id"),
            func.count().label("n"),
            func.coalesce(func.max(comments.c.risk), 0.0).label("risk"),
        )
        .select_from(reports.outerjoin(comments, comments.c.id == reports.c.comment_id))
        .where(
            reports.c.resolved.is_(None),
            (reports.c.comment_id.is_(None)) | comments.c.status.in_(OPEN_STATUSES),
        )
        .group_by(reports.c.target)
    )


def queue(conn: Connection, limit: int, offset: int = 0) -> list[ReportedTarget]:
    """Reported comments and articles: most reports first, then the riskiest, then oldest."""
    grouped = _open_targets().subquery()
    rows = conn.execute(
        select(grouped)
        .order_by(grouped.c.n.desc(), grouped.c.risk.desc(), grouped.c.target)
        .limit(limit)
        .offset(offset)
    ).all()
    if not rows:
        return []
    details = conn.execute(
        select(reports.c.target, reports.c.reason, reports.c.note)
        .where(
            reports.c.target.in_([r.target for r in rows]),
            reports.c.resolved.is_(None),
        )
        .order_by(reports.c.id)
    ).all()
    reasons: dict[str, dict[str, int]] = {}
    notes: dict[str, list[str]] = {}
    for d in details:
        by_reason = reasons.setdefault(d.target, {})
        by_reason[d.reason] = by_reason.get(d.reason, 0) + 1
        if d.note:
            notes.setdefault(d.target, []).append(d.note)
    return [
        ReportedTarget(
            thread_id=int(r.thread_id),
            comment_id=int(r.comment_id) if r.comment_id is not None else None,
            count=int(r.n),
            risk=float(r.risk),
            reasons=reasons.get(r.target, {}),
            notes=notes.get(r.target, []),
        )
        for r in rows
    ]


def count_queue(conn: Connection) -> int:
    grouped = _open_targets().subquery()
    return int(conn.execute(select(func.count()).select_from(grouped)).scalar_one())
