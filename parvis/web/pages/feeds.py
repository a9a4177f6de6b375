"""Atom feeds (RFC 4287): an article's published comments, and the whole site's latest.

Built with ElementTree, so every text and attribute is escaped by the serialiser; entries
carry the pseudonym and the published HTML, never an address.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import quote, urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parvis.domain.feed import FeedEntry
from parvis.services import feeds
from parvis.web.api.comments import required_uri
from parvis.web.http import runtime

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def _thread_link(base: str, uri: str, comment_id: int | None = None) -> str:
    return f"{base}/thread?{urlencode({'uri': uri})}" + (f"#{comment_id}" if comment_id else "")


def atom(
    base: str, feed_id: str, title: str, self_url: str, alternate: str, entries: Sequence[FeedEntry]
) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", feed_id)
    _sub(feed, "title", title)
    _sub(feed, "updated", (entries[0].created if entries else EPOCH).isoformat())
    _sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=alternate, type="text/html")
    host = urlsplit(base).hostname or "localhost"
    for e in entries:
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"tag:{host},2025:comment-{e.id}")
        _sub(entry, "title", f"{e.author} · {e.title or e.uri} (#{e.id})")
        _sub(entry, "updated", e.created.isoformat())
        _sub(entry, "published", e.created.isoformat())
        author = _sub(entry, "author")
        _sub(author, "name", e.author)
        _sub(entry, "link", rel="alternate", href=_thread_link(base, e.uri, e.id), type="text/html")
        _sub(entry, "content", e.html, type="html")
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


async def thread_feed(request: Request) -> Response:
    rt = runtime(request)
    base = rt.settings.server.public_url.rstrip("/")
    uri, thread, entries = await run_in_threadpool(feeds.thread_feed, rt, required_uri(request))
    host = urlsplit(base).hostname or "localhost"
    body = atom(
        base,
        f"tag:{host},2025:thread:{quote(uri, safe='')}",
        (thread.title if thread else "") or uri,
        f"{base}/feed/thread.atom?{urlencode({'uri': uri})}",
        _thread_link(base, uri),
        entries,
    )
    return Response(body, media_type=MEDIA_TYPE, headers={"Cache-Control": "public, max-age=60"})


async def latest_feed(request: Request) -> Response:
    rt = runtime(request)
    base = rt.settings.server.public_url.rstrip("/")
    entries = await run_in_threadpool(feeds.latest_feed, rt)
    body = atom(
        base,
        f"tag:{urlsplit(base).hostname or 'localhost'},2025:latest",
        rt.settings.site.name,
        f"{base}/feed/latest.atom",
        f"{base}/",
        entries,
    )
    return Response(body, media_type=MEDIA_TYPE, headers={"Cache-Control": "public, max-age=60"})


routes = [
    Route("/feed/thread.atom", thread_feed, methods=["GET"]),
    Route("/feed/latest.atom", latest_feed, methods=["GET"]),
]
