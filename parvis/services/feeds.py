"""The Atom feeds' content: an article's published comments, or the whole site's."""

from __future__ import annotations

from parvis.domain.thread import Thread
from parvis.errors import NotFound
from parvis.services.runtime import Runtime
from parvis.services.validation import clean_uri
from parvis.store import feeds, threads
from parvis.store.feeds import FeedEntry

FEED_SIZE = 50


def thread_feed(rt: Runtime, uri: str) -> tuple[Thread, list[FeedEntry]]:
    uri = clean_uri(rt, uri)
    with rt.db.read() as conn:
        thread = threads.get_by_uri(conn, uri)
        if thread is None:
            raise NotFound("no comments on this article yet", field="uri")
        return thread, feeds.published(conn, thread.id, FEED_SIZE)


def latest_feed(rt: Runtime) -> list[FeedEntry]:
    with rt.db.read() as conn:
        return feeds.published(conn, None, FEED_SIZE)
