"""SQL for threads (articles)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update

from parvis.domain.thread import ModerationMode, Thread
from parvis.store.db import insert, utc
from parvis.store.schema import threads


def _thread(row: Any) -> Thread:
    return Thread(
        id=row.id,
        uri=row.uri,
        title=row.title,
        closed=bool(row.closed),
        mode=ModerationMode(row.mode) if row.mode else None,
        created=utc(row.created),  # type: ignore[arg-type]
        text=row.text,
        published=row.published,
        url=row.url,
    )


def get_by_uri(conn: Connection, uri: str) -> Thread | None:
    row = conn.execute(select(threads).where(threads.c.uri == uri)).first()
    return _thread(row) if row else None


def get(conn: Connection, thread_id: int) -> Thread | None:
    row = conn.execute(select(threads).where(threads.c.id == thread_id)).first()
    return _thread(row) if row else None


def get_or_create(conn: Connection, uri: str, title: str, now: datetime) -> Thread:
    """Race-safe: two processes creating the same thread both get the one row."""
    conn.execute(
        insert(conn, threads)
        .values(uri=uri, title=title, closed=False, created=now)
        .on_conflict_do_nothing(index_elements=["uri"])
    )
    thread = get_by_uri(conn, uri)
    assert thread is not None
    return thread


def register(
    conn: Connection,
    uri: str,
    title: str,
    text: str | None,
    now: datetime,
    url: str | None = None,
) -> Thread:
    """Create or update an article as the publisher's CMS describes it (an address it does
    not give is kept)."""
    stmt = insert(conn, threads).values(
        uri=uri, title=title, text=text, url=url, closed=False, created=now
    )
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["uri"],
            set_={
                "title": stmt.excluded.title,
                "text": stmt.excluded.text,
                "url": func.coalesce(stmt.excluded.url, threads.c.url),
            },
        )
    )
    thread = get_by_uri(conn, uri)
    assert thread is not None
    return thread


def set_closed(conn: Connection, thread_id: int, closed: bool) -> None:
    conn.execute(update(threads).where(threads.c.id == thread_id).values(closed=closed))


def set_mode(conn: Connection, thread_id: int, mode: ModerationMode | None) -> None:
    conn.execute(
        update(threads).where(threads.c.id == thread_id).values(mode=mode.value if mode else None)
    )


def latest(conn: Connection, limit: int, offset: int = 0) -> list[Thread]:
    rows = conn.execute(
        select(threads).order_by(threads.c.id.desc()).limit(limit).offset(offset)
    ).all()
    return [_thread(r) for r in rows]


def get_many(conn: Connection, ids: set[int]) -> list[Thread]:
    if not ids:
        return []
    return [_thread(r) for r in conn.execute(select(threads).where(threads.c.id.in_(ids)))]


# Built once: counts are read on every page and widget load.
_COUNTS_BY_URI = select(threads.c.uri, threads.c.published).where(
    threads.c.uri.in_(bindparam("uris", expanding=True))
)
_ADD_PUBLISHED = (
    update(threads)
    .where(threads.c.id == bindparam("thread_id"))
    .values(published=threads.c.published + bindparam("n"))
)


def published_counts_by_uri(conn: Connection, uris: Sequence[str]) -> dict[str, int]:
    """Published comments of each article, in one statement; unknown URIs are absent."""
    if not uris:
        return {}
    return {uri: int(n) for uri, n in conn.execute(_COUNTS_BY_URI, {"uris": list(uris)})}


def add_published(conn: Connection, counts: Mapping[int, int]) -> None:
    """Add to the threads' counts of published comments (negative: remove); in the
    transaction that changes those comments, so the count never drifts from them."""
    params = [{"thread_id": t, "n": n} for t, n in sorted(counts.items()) if n]
    if params:  # in thread order: two transactions never wait for each other crosswise
        conn.execute(_ADD_PUBLISHED, params)
