"""SQL for the mail outbox: enqueue, claim a batch under a lease, mark sent, retry, dead.

The claim is one statement on both databases: `UPDATE ... WHERE id IN (SELECT ... FOR UPDATE
SKIP LOCKED) RETURNING`. On PostgreSQL concurrent workers skip each other's rows; SQLite
ignores the locking clause, and needs none, since a write transaction holds the one lock.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, update

from parvis.domain.mail import Mail, MailStatus, NewMail
from parvis.store.db import utc
from parvis.store.schema import outbox


def _mail(row: Any) -> Mail:
    return Mail(
        id=row.id,
        kind=row.kind,
        recipient=row.recipient,
        subject=row.subject,
        text=row.body_text,
        html=row.body_html,
        headers=json.loads(row.headers or "{}"),
        status=MailStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=utc(row.next_attempt_at),  # type: ignore[arg-type]
        created=utc(row.created),  # type: ignore[arg-type]
        last_error=row.last_error,
        sent_at=utc(row.sent_at),
        message_id=row.message_id,
    )


def enqueue(conn: Connection, mails: Sequence[NewMail], now: datetime) -> None:
    if not mails:
        return
    conn.execute(
        outbox.insert(),
        [
            {
                "kind": m.kind,
                "recipient": m.recipient,
                "subject": m.subject,
                "body_text": m.text,
                "body_html": m.html,
                "headers": json.dumps(m.headers),
                "status": MailStatus.PENDING.value,
                "attempts": 0,
                "next_attempt_at": now,
                "created": now,
            }
            for m in mails
        ],
    )


def _due(now: datetime) -> Any:
    return or_(
        and_(outbox.c.status == MailStatus.PENDING.value, outbox.c.next_attempt_at <= now),
        and_(outbox.c.status == MailStatus.SENDING.value, outbox.c.locked_until < now),
    )


def has_due(conn: Connection, now: datetime) -> bool:
    """A cheap read before taking the write lock to claim."""
    return conn.execute(select(outbox.c.id).where(_due(now)).limit(1)).first() is not None


def claim(conn: Connection, worker: str, limit: int, now: datetime, lease: int) -> list[Mail]:
    """Reserve up to `limit` due mails (pending, or sending under an expired lease)."""
    ids = (
        select(outbox.c.id)
        .where(_due(now))
        .order_by(outbox.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    rows = conn.execute(
        update(outbox)
        .where(outbox.c.id.in_(ids))
        .values(
            status=MailStatus.SENDING.value,
            locked_by=worker,
            locked_until=now + timedelta(seconds=lease),
        )
        .returning(*outbox.c)
    ).all()
    return sorted((_mail(r) for r in rows), key=lambda m: m.id)


def start_attempt(
    conn: Connection, mail_id: int, worker: str, now: datetime, lease: int
) -> int | None:
    """Renew this worker's lease on one mail just before sending it and count the attempt.

    None when the lease was lost (another worker retook the row): do not send it.
    """
    return conn.execute(
        update(outbox)
        .where(
            outbox.c.id == mail_id,
            outbox.c.locked_by == worker,
            outbox.c.status == MailStatus.SENDING.value,
        )
        .values(locked_until=now + timedelta(seconds=lease), attempts=outbox.c.attempts + 1)
        .returning(outbox.c.attempts)
    ).scalar_one_or_none()


def mark_sent(conn: Connection, mail_id: int, message_id: str, now: datetime) -> None:
    conn.execute(
        update(outbox)
        .where(outbox.c.id == mail_id)
        .values(
            status=MailStatus.SENT.value,
            sent_at=now,
            message_id=message_id,
            locked_until=None,
            locked_by=None,
            last_error=None,
        )
    )


def retry_later(conn: Connection, mail_id: int, when: datetime, error: str | None) -> None:
    values: dict[str, Any] = {
        "status": MailStatus.PENDING.value,
        "next_attempt_at": when,
        "locked_until": None,
        "locked_by": None,
    }
    if error is not None:
        values["last_error"] = error[:1000]
    conn.execute(update(outbox).where(outbox.c.id == mail_id).values(**values))


def release(conn: Connection, mail_ids: Sequence[int], worker: str) -> None:
    """Give back claimed mails this worker did not try (shutdown, or the server is down)."""
    if mail_ids:
        conn.execute(
            update(outbox)
            .where(
                outbox.c.id.in_(mail_ids),
                outbox.c.locked_by == worker,
                outbox.c.status == MailStatus.SENDING.value,
            )
            .values(status=MailStatus.PENDING.value, locked_until=None, locked_by=None)
        )


def mark_dead(conn: Connection, mail_id: int, error: str) -> None:
    conn.execute(
        update(outbox)
        .where(outbox.c.id == mail_id)
        .values(
            status=MailStatus.DEAD.value, last_error=error[:1000], locked_until=None, locked_by=None
        )
    )


def revive(conn: Connection, mail_ids: Sequence[int], now: datetime) -> int:
    """Dead mails back to the queue, with a fresh count of attempts (the admins' "retry")."""
    if not mail_ids:
        return 0
    result = conn.execute(
        update(outbox)
        .where(outbox.c.id.in_(mail_ids), outbox.c.status == MailStatus.DEAD.value)
        .values(status=MailStatus.PENDING.value, attempts=0, next_attempt_at=now)
    )
    return int(result.rowcount)


def get(conn: Connection, mail_id: int) -> Mail | None:
    row = conn.execute(select(outbox).where(outbox.c.id == mail_id)).first()
    return _mail(row) if row else None


def by_status(conn: Connection, status: MailStatus, limit: int = 100) -> list[Mail]:
    rows = conn.execute(
        select(outbox)
        .where(outbox.c.status == status.value)
        .order_by(outbox.c.id.desc())
        .limit(limit)
    ).all()
    return [_mail(r) for r in rows]


def counts(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status)).all()
    return {str(status): int(n) for status, n in rows}


def delete_sent_before(conn: Connection, before: datetime) -> int:
    result = conn.execute(
        outbox.delete().where(outbox.c.status == MailStatus.SENT.value, outbox.c.sent_at < before)
    )
    return int(result.rowcount)


def postpone(conn: Connection, mail_ids: Sequence[int], worker: str, when: datetime) -> None:
    """Claimed mails not tried because the server is down: back to pending, due at `when`."""
    if mail_ids:
        conn.execute(
            update(outbox)
            .where(
                outbox.c.id.in_(mail_ids),
                outbox.c.locked_by == worker,
                outbox.c.status == MailStatus.SENDING.value,
            )
            .values(
                status=MailStatus.PENDING.value,
                next_attempt_at=when,
                locked_until=None,
                locked_by=None,
            )
        )
