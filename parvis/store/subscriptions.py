"""SQL for follow-by-mail subscriptions, digest items and reply notifications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, literal, select, update

from parvis.store.db import insert as upsert
from parvis.store.db import utc
from parvis.store.schema import comments, digest_items, subscriptions, threads


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    thread_id: int
    email: str
    mode: str
    lang: str
    created: datetime
    confirmed: datetime | None
    page: str | None = None  # where the reader followed the article from


def _subscription(row: Any) -> Subscription:
    return Subscription(
        id=row.id,
        thread_id=row.thread_id,
        email=row.email,
        mode=row.mode,
        lang=row.lang,
        created=utc(row.created),  # type: ignore[arg-type]
        confirmed=utc(row.confirmed),
        page=row.page,
    )


def get(conn: Connection, subscription_id: int) -> Subscription | None:
    row = conn.execute(select(subscriptions).where(subscriptions.c.id == subscription_id)).first()
    return _subscription(row) if row else None


def find(conn: Connection, thread_id: int, email: str) -> Subscription | None:
    row = conn.execute(
        select(subscriptions).where(
            subscriptions.c.thread_id == thread_id, subscriptions.c.email == email
        )
    ).first()
    return _subscription(row) if row else None


def add(
    conn: Connection,
    thread_id: int,
    email: str,
    mode: str,
    lang: str,
    now: datetime,
    page: str | None = None,
) -> Subscription:
    """The address's subscription to the article: created unconfirmed, or the existing one
    (race-safe: two requests at once both get the one row), which keeps the latest page
    the reader asked from."""
    conn.execute(
        upsert(conn, subscriptions)
        .values(
            thread_id=thread_id,
            email=email,
            mode=mode,
            lang=lang,
            created=now,
            confirmed=None,
            page=page,
        )
        .on_conflict_do_nothing(index_elements=["thread_id", "email"])
    )
    found = find(conn, thread_id, email)
    assert found is not None
    if page is not None and found.page != page:
        conn.execute(update(subscriptions).where(subscriptions.c.id == found.id).values(page=page))
    return found


def renew(conn: Connection, subscription_id: int, lang: str, now: datetime) -> None:
    """An unconfirmed subscription asked again: its link's lifetime starts again."""
    conn.execute(
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id)
        .values(lang=lang, created=now)
    )


def confirm(conn: Connection, subscription_id: int, mode: str, now: datetime) -> None:
    conn.execute(
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id)
        .values(mode=mode, confirmed=func.coalesce(subscriptions.c.confirmed, now))
    )


def remove(conn: Connection, subscription_id: int) -> bool:
    conn.execute(delete(digest_items).where(digest_items.c.subscription_id == subscription_id))
    result = conn.execute(delete(subscriptions).where(subscriptions.c.id == subscription_id))
    return bool(result.rowcount)


def purge_unconfirmed(conn: Connection, created_before: datetime) -> int:
    result = conn.execute(
        delete(subscriptions).where(
            subscriptions.c.confirmed.is_(None), subscriptions.c.created < created_before
        )
    )
    return int(result.rowcount)


def followers(conn: Connection, thread_id: int, mode: str) -> list[Subscription]:
    rows = conn.execute(
        select(subscriptions)
        .where(
            subscriptions.c.thread_id == thread_id,
            subscriptions.c.mode == mode,
            subscriptions.c.confirmed.is_not(None),
        )
        .order_by(subscriptions.c.id)
    ).all()
    return [_subscription(r) for r in rows]


def add_digest_items(
    conn: Connection, thread_id: int, comment_id: int, skip_email: str | None
) -> None:
    """Queue a published comment for every confirmed digest follower of its article: one
    INSERT ... SELECT however many they are."""
    followers_ = select(subscriptions.c.id, literal(comment_id)).where(
        subscriptions.c.thread_id == thread_id,
        subscriptions.c.mode == "digest",
        subscriptions.c.confirmed.is_not(None),
    )
    if skip_email:
        followers_ = followers_.where(func.lower(subscriptions.c.email) != skip_email.lower())
    conn.execute(insert(digest_items).from_select(["subscription_id", "comment_id"], followers_))


def digest_subscription_ids(conn: Connection, limit: int) -> list[int]:
    rows = conn.execute(
        select(digest_items.c.subscription_id)
        .distinct()
        .order_by(digest_items.c.subscription_id)
        .limit(limit)
    ).scalars()
    return [int(i) for i in rows]


def take_digest_items(conn: Connection, subscription_id: int) -> list[int]:
    """The comment ids waiting for this subscriber's digest, removed from the list."""
    ids = [
        int(i)
        for i in conn.execute(
            select(digest_items.c.comment_id)
            .where(digest_items.c.subscription_id == subscription_id)
            .order_by(digest_items.c.comment_id)
        ).scalars()
    ]
    conn.execute(delete(digest_items).where(digest_items.c.subscription_id == subscription_id))
    return ids


# Reply notifications live on the comment itself: `comments.notify_replies`.


def set_notify_replies(conn: Connection, comment_id: int, value: bool) -> None:
    conn.execute(update(comments).where(comments.c.id == comment_id).values(notify_replies=value))


def wants_replies(conn: Connection, comment_id: int) -> bool:
    value = conn.execute(
        select(comments.c.notify_replies).where(comments.c.id == comment_id)
    ).scalar_one_or_none()
    return bool(value)


def thread_uri(conn: Connection, thread_id: int) -> str | None:
    return conn.execute(select(threads.c.uri).where(threads.c.id == thread_id)).scalar_one_or_none()
