"""SQL for the Atom feeds: published comments with their article, newest first."""

from __future__ import annotations

from sqlalchemy import Connection, select

from parvis.domain.comment import CommentStatus
from parvis.domain.feed import FeedEntry
from parvis.store.db import utc
from parvis.store.schema import comments, threads


def published(conn: Connection, thread_id: int | None, limit: int) -> list[FeedEntry]:
    """Published comments (of one article, or of all), newest first. No e-mail address."""
    stmt = (
        select(
            comments.c.id,
            comments.c.author,
            comments.c.created,
            comments.c.html,
            threads.c.uri,
            threads.c.title,
        )
        .join(threads, threads.c.id == comments.c.thread_id)
        .where(comments.c.status == CommentStatus.PUBLISHED.value)
        .order_by(comments.c.id.desc())
        .limit(limit)
    )
    if thread_id is not None:
        stmt = stmt.where(comments.c.thread_id == thread_id)
    return [
        FeedEntry(r.id, r.author, utc(r.created), r.html, r.uri, r.title)  # type: ignore[arg-type]
        for r in conn.execute(stmt)
    ]
