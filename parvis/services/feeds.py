"""The Atom feeds' content: an article's published comments, or the whole site's."""

from __future__ import annotations

from parvis.domain.feed import FeedEntry
from parvis.domain.thread import Thread
from parvis.services.runtime import Runtime
from parvis.services.validation import clean_uri
from parvis.store import feeds, threads

FEED_SIZE = 50


def thread_feed(rt: Runtime, uri: str) -> tuple[str, Thread | None, list[FeedEntry]]:
    """The article's URI, the article when it has comments, and its latest published ones.
    An article nobody commented yet has an empty feed (a reader may subscribe early)."""
    uri = clean_uri(rt, uri)
    with rt.db.read() as conn:
        thread = threads.get_by_uri(conn, uri)
        entries = feeds.published(conn, thread.id, FEED_SIZE) if thread else []
    return uri, thread, entries


def latest_feed(rt: Runtime) -> list[FeedEntry]:
    with rt.db.read() as conn:
        return feeds.published(conn, None, FEED_SIZE)
