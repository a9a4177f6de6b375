"""SQL for the moderators' alert preferences and the periodic jobs' bookkeeping."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, or_, select, update

from parvis.domain.comment import CommentStatus
from parvis.domain.moderator import AlertKind, AlertPrefs
from parvis.store.db import insert, utc
from parvis.store.schema import comments, moderators, notify_jobs

_COLUMN = {
    AlertKind.QUEUE: moderators.c.alert_queue,
    AlertKind.WAIT: moderators.c.alert_wait,
    AlertKind.REPORTS: moderators.c.alert_reports,
}


def prefs(conn: Connection, moderator_id: int) -> AlertPrefs | None:
    row = conn.execute(select(moderators).where(moderators.c.id == moderator_id)).first()
    if row is None:
        return None
    kinds = frozenset(k for k, col in _COLUMN.items() if row._mapping[col.name])
    return AlertPrefs(row.id, row.name, row.email, kinds)


def set_prefs(
    conn: Connection, moderator_id: int, email: str | None, kinds: frozenset[AlertKind]
) -> None:
    values: dict[str, object] = {col.name: kind in kinds for kind, col in _COLUMN.items()}
    values["email"] = email
    conn.execute(update(moderators).where(moderators.c.id == moderator_id).values(**values))


def set_kind(conn: Connection, moderator_id: int, kind: AlertKind, on: bool) -> None:
    conn.execute(
        update(moderators).where(moderators.c.id == moderator_id).values({_COLUMN[kind]: on})
    )


def recipients(conn: Connection, kind: AlertKind) -> list[AlertPrefs]:
    """Active moderators with an address who chose this alert."""
    rows = conn.execute(
        select(moderators.c.id, moderators.c.name, moderators.c.email)
        .where(
            _COLUMN[kind].is_(True),
            moderators.c.email.is_not(None),
            moderators.c.disabled.is_(False),
        )
        .order_by(moderators.c.id)
    ).all()
    return [AlertPrefs(r.id, r.name, r.email, frozenset({kind})) for r in rows]


def pending_state(conn: Connection) -> tuple[int, datetime | None]:
    """How many comments wait, and since when the oldest does."""
    count, oldest = conn.execute(
        select(func.count(), func.min(comments.c.created)).where(
            comments.c.status == CommentStatus.PENDING.value
        )
    ).one()
    return int(count), utc(oldest)


def claim_job(conn: Connection, name: str, now: datetime, due_before: datetime) -> bool:
    """Take the periodic job `name` if it last ran before `due_before` (or never).

    One UPDATE decides, so two workers cannot both run it: on PostgreSQL the second waits
    on the row lock and then finds it already advanced; SQLite has one writer anyway.
    """
    conn.execute(
        insert(conn, notify_jobs)
        .values(name=name, last_run=None)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    result = conn.execute(
        update(notify_jobs)
        .where(
            notify_jobs.c.name == name,
            or_(notify_jobs.c.last_run.is_(None), notify_jobs.c.last_run < due_before),
        )
        .values(last_run=now)
    )
    return bool(result.rowcount)


def last_run(conn: Connection, name: str) -> datetime | None:
    return utc(
        conn.execute(
            select(notify_jobs.c.last_run).where(notify_jobs.c.name == name)
        ).scalar_one_or_none()
    )


def reset_job(conn: Connection, name: str) -> None:
    conn.execute(update(notify_jobs).where(notify_jobs.c.name == name).values(last_run=None))
