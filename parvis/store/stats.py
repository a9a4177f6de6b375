"""SQL aggregates for the statistics dashboard.

Days are given as boundaries (N+1 instants in UTC for N days, computed by the service in
the site's time zone, so a day is the publisher's day, DST included): rows are put in
their day by a CASE over the boundaries, which reads the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, case, func, inspect, or_, select

from parvis.domain.comment import CommentStatus
from parvis.store.db import seconds_between
from parvis.store.schema import audit_log, comments, reports

# The audit actions that settle a comment's fate; the log also holds bans, undos, notes.
DECISIONS = ("approve", "reject", "auto-approve", "auto-reject")
PENDING = CommentStatus.PENDING.value


@dataclass(frozen=True, slots=True)
class RuleDecisions:
    rule: str | None  # None: no rule was flagged
    action: str
    automatic: bool
    count: int


def _per_day(conn: Connection, column: Any, bounds: Sequence[datetime], *where: Any) -> list[int]:
    """How many rows fall on each day: `column` in [bounds[i], bounds[i + 1])."""
    counts = [0] * (len(bounds) - 1)
    if not counts:
        return counts
    day = case(*((column < b, i) for i, b in enumerate(bounds[1:])), else_=-1).label("day")
    rows = select(day).where(column >= bounds[0], column < bounds[-1], *where).subquery("days")
    for i, n in conn.execute(select(rows.c.day, func.count()).group_by(rows.c.day)):
        if 0 <= int(i) < len(counts):
            counts[int(i)] = int(n)
    return counts


def comments_per_day(conn: Connection, bounds: Sequence[datetime]) -> list[int]:
    """Every comment posted, whatever became of it."""
    return _per_day(conn, comments.c.created, bounds)


def reports_per_day(conn: Connection, bounds: Sequence[datetime]) -> list[int]:
    if not inspect(conn).has_table(reports.name):  # a database older than migration 0005
        return [0] * (len(bounds) - 1)
    return _per_day(conn, reports.c.created, bounds)


def decisions_by_rule(conn: Connection, start: datetime, end: datetime) -> list[RuleDecisions]:
    """Decisions in [start, end) by rule, action and who took them (NULL moderator: automatic)."""
    automatic = audit_log.c.moderator_id.is_(None).label("automatic")
    stmt = (
        select(audit_log.c.rule, audit_log.c.action, automatic, func.count())
        .where(audit_log.c.at >= start, audit_log.c.at < end, audit_log.c.action.in_(DECISIONS))
        .group_by(audit_log.c.rule, audit_log.c.action, automatic)
    )
    return [
        RuleDecisions(rule=r, action=a, automatic=bool(auto), count=int(n))
        for r, a, auto, n in conn.execute(stmt)
    ]


def median_decision_seconds(conn: Connection, start: datetime, end: datetime) -> float | None:
    """The median of `decided - created` over comments decided in [start, end).

    Only a person's decision stamps `decided`: comments the charter published or refused
    at posting never waited. Portable median: count, then read the middle one or two.
    """
    where = (comments.c.decided >= start, comments.c.decided < end)
    n = int(conn.execute(select(func.count()).where(*where)).scalar_one())
    if n == 0:
        return None
    waited = seconds_between(conn, comments.c.created, comments.c.decided)
    middle = [
        float(v)
        for v in conn.execute(
            select(waited.label("waited"))
            .where(*where)
            .order_by(waited)
            .limit(2 - n % 2)
            .offset((n - 1) // 2)
        ).scalars()
    ]
    return sum(middle) / len(middle)


@dataclass(frozen=True, slots=True)
class QueueFlow:
    """Enough to redraw the queue's length at the end of each day."""

    before: int  # waiting when the first day began
    entered: list[int]  # per day
    left: list[int]  # per day


def queue_flow(conn: Connection, bounds: Sequence[datetime]) -> QueueFlow:
    """A comment waited from `created` until a person decided (`decided`); one still pending
    waits yet. Comments published or refused by the charter at posting never waited."""
    waited = or_(comments.c.decided.is_not(None), comments.c.status == PENDING)
    start = bounds[0]
    before = conn.execute(
        select(func.count()).where(
            comments.c.created < start,
            or_(comments.c.status == PENDING, comments.c.decided >= start),
        )
    ).scalar_one()
    return QueueFlow(
        before=int(before),
        entered=_per_day(conn, comments.c.created, bounds, waited),
        # An undone decision keeps its old `decided` but the comment is pending again.
        left=_per_day(conn, comments.c.decided, bounds, comments.c.status != PENDING),
    )
