"""Reading threads: pages of published comments with their replies, and counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parvis.domain.comment import PublicComment
from parvis.domain.thread import Thread
from parvis.errors import Invalid
from parvis.services.runtime import Runtime
from parvis.store import comments, threads

MAX_COUNT_URIS = 100


@dataclass(frozen=True, slots=True)
class ThreadPage:
    uri: str
    thread: Thread | None  # None: nobody has commented on this URI yet
    total: int
    comments: list[PublicComment]
    next: str | None  # cursor for the earlier page


def thread_page(
    rt: Runtime, uri: str, before: str | None = None, limit: int | None = None
) -> ThreadPage:
    """Newest top-level comments first, each with all its published replies nested.

    A bounded number of statements whatever the thread's size: the thread (with its
    count), the page of roots (keyset on the id), every reply of those roots (by root_id).
    """
    cfg = rt.settings.comments
    limit = cfg.page_size if limit is None else limit
    if not 1 <= limit <= cfg.max_page_size:
        raise Invalid("limit must be between 1 and {max}", field="limit", max=cfg.max_page_size)
    with rt.db.read() as conn:
        thread = threads.get_by_uri(conn, uri)
        if thread is None:
            if before:
                raise Invalid("the paging cursor is invalid", field="before")
            return ThreadPage(uri=uri, thread=None, total=0, comments=[], next=None)
        before_id = rt.tokens.read_cursor(before, thread.id) if before else None
        roots = comments.published_roots(conn, thread.id, before_id, limit + 1)
        more = len(roots) > limit
        roots = roots[:limit]
        replies = comments.published_replies(conn, [r.id for r in roots])
    tree = _nest(roots, replies)
    cursor = rt.tokens.cursor(thread.id, roots[-1].id) if more else None
    return ThreadPage(uri=uri, thread=thread, total=thread.published, comments=tree, next=cursor)


def _nest(roots: list[PublicComment], replies: list[PublicComment]) -> list[PublicComment]:
    by_id = {c.id: c for c in roots}
    for c in replies:
        by_id[c.id] = c
        # A reply whose parent is not shown (deleted, rejected) hangs under its root.
        parent = by_id.get(c.parent_id or 0) or by_id.get(c.root_id or 0)
        if parent is not None:
            parent.replies.append(c)
    return roots


def counts(rt: Runtime, uris: Sequence[str]) -> dict[str, int]:
    """Published counts for many URIs in one statement; unknown URIs count 0."""
    if len(uris) > MAX_COUNT_URIS:
        raise Invalid("at most {max} URIs at a time", field="uri", max=MAX_COUNT_URIS)
    with rt.db.read() as conn:
        found = threads.published_counts_by_uri(conn, list(dict.fromkeys(uris)))
    return {uri: found.get(uri, 0) for uri in uris}


def latest_threads(rt: Runtime, limit: int = 30) -> list[tuple[Thread, int]]:
    with rt.db.read() as conn:
        latest = threads.latest(conn, limit)
    return [(t, t.published) for t in latest]
