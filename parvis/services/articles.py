"""Articles: the publisher's CMS registers them; moderators close, reopen and switch
them between pre- and post-moderation. Every change is in the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from parvis.domain.moderator import Moderator
from parvis.domain.thread import ModerationMode, Thread
from parvis.errors import Invalid, NotFound
from parvis.services.runtime import Runtime
from parvis.services.validation import check_new_uri, clean_article_url, clean_uri
from parvis.store import audit, comments, threads

MAX_ARTICLE_TEXT = 20_000


@dataclass(frozen=True, slots=True)
class ArticleRow:
    thread: Thread
    published: int
    pending: int


def register(
    rt: Runtime, uri: str, title: str, text: str | None = None, url: str | None = None
) -> Thread:
    """Create or update an article as the CMS describes it: its title shows on the page,
    its names (people, places) are not taken for spelling mistakes, and its public address
    is where readers go back to (after confirming they follow it)."""
    uri = clean_uri(rt, uri)
    url = clean_article_url(url)
    title = " ".join(title.split())[:300]
    if not title:
        raise Invalid("the article's title is missing", field="title")
    if text is not None and len(text) > MAX_ARTICLE_TEXT:
        raise Invalid(
            "the article's text is too long ({limit} characters at most)",
            field="text",
            limit=MAX_ARTICLE_TEXT,
        )
    with rt.db.write() as conn:
        if threads.get_by_uri(conn, uri) is None:
            check_new_uri(rt, uri)
        return threads.register(conn, uri, title, text, rt.now(), url)


def latest(rt: Runtime, limit: int = 50, offset: int = 0) -> list[ArticleRow]:
    with rt.db.read() as conn:
        found = threads.latest(conn, limit, offset)
        pending = comments.count_pending_by_thread(conn, [t.id for t in found])
    return [ArticleRow(t, t.published, pending.get(t.id, 0)) for t in found]


def set_closed(rt: Runtime, moderator: Moderator, thread_id: int, closed: bool) -> Thread:
    with rt.db.write() as conn:
        thread = _existing(conn, thread_id)
        if thread.closed != closed:
            threads.set_closed(conn, thread_id, closed)
            audit.record(
                conn,
                at=rt.now(),
                action="close" if closed else "reopen",
                moderator_id=moderator.id,
                thread_id=thread_id,
            )
        return _existing(conn, thread_id)


def set_mode(rt: Runtime, moderator: Moderator, thread_id: int, mode: str) -> Thread:
    """`mode`: "pre", "post", or "" for the charter's default."""
    try:
        wanted = ModerationMode(mode) if mode else None
    except ValueError:
        raise Invalid("mode must be 'pre', 'post' or empty", field="mode") from None
    with rt.db.write() as conn:
        thread = _existing(conn, thread_id)
        if thread.mode != wanted:
            threads.set_mode(conn, thread_id, wanted)
            audit.record(
                conn,
                at=rt.now(),
                action="mode",
                moderator_id=moderator.id,
                thread_id=thread_id,
                note=wanted.value if wanted else "default",
            )
        return _existing(conn, thread_id)


def _existing(conn: object, thread_id: int) -> Thread:
    thread = threads.get(conn, thread_id)  # type: ignore[arg-type]
    if thread is None:
        raise NotFound("no such article", field="thread")
    return thread
