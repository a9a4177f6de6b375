"""A short-lived cache of the public JSON reads (a thread page, counts), in each process.

Hot articles are read far more often than they are commented: the same page is encoded
once and served from memory to every reader for at most `server.read_cache_seconds`.

Staleness is bounded, never open-ended:
- a write (POST/PUT/DELETE answered below 400) through this process empties its cache,
  so whoever posts, approves or deletes sees the change at once on this process;
- every other process serves a stale page for at most `read_cache_seconds` after the
  write, then asks the database again (the entry has expired); so does every process
  after the moderation queue's worker publishes a checked comment (not a request);
- browsers and proxies get `Cache-Control: public, max-age=<what is left of those
  seconds>`, so the bound holds end to end, and an `ETag` to revalidate (304) after.

Only responses that are the same for every reader belong here: the two API reads take
no cookie, session or token into account. The cache is the outermost middleware, so a hit
skips the rest of the stack (19 µs of the 43 µs a cached read costs the server otherwise);
it stores the headers the stack produced (security headers, CORS) and keys each entry on
the request's Origin as well as its query, since the CORS headers depend on it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CACHED_PATHS = frozenset({"/api/v1/comments", "/api/v1/counts"})
MAX_ENTRIES = 4096
MAX_BODY = 512 * 1024
# The bodies a process keeps at most: hot pages are few; a stream of reads of random
# articles must not grow the process (at 10 M comments a page is ~40 KB: 4,096 of them
# would be 160 MB).
MAX_BYTES = 8 * 1024 * 1024
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
_READ_ONLY_POSTS = frozenset({"/api/v1/check"})  # the form's "check" button changes nothing


@dataclass(frozen=True, slots=True)
class _Entry:
    headers: list[tuple[bytes, bytes]]  # content-type, content-length, etag
    body: bytes
    etag: bytes
    expires: float


class ReadCache:
    def __init__(
        self, app: ASGIApp, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.app = app
        self.seconds = seconds
        self.clock = clock  # seconds, for expiry only
        self._entries: dict[bytes, _Entry] = {}
        self._bytes = 0  # the bodies held
        self._generation = 0  # moves on every clear

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0
        self._generation += 1

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.seconds <= 0:
            await self.app(scope, receive, send)
            return
        if scope["method"] not in _SAFE and scope["path"] not in _READ_ONLY_POSTS:
            await self.app(scope, receive, self._clearing(send))
            return
        if scope["path"] not in CACHED_PATHS or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        key = b"%s?%s\n%s" % (scope["path"].encode(), scope["query_string"], _origin(scope))
        now = self.clock()
        entry = self._entries.get(key)
        if entry is not None and entry.expires > now:
            await self._serve(scope, send, entry, now)
            return
        await self._fill(scope, receive, send, key, now)

    def _clearing(self, send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                self.clear()
            await send(message)

        return wrapped

    async def _serve(self, scope: Scope, send: Send, entry: _Entry, now: float) -> None:
        left = int(entry.expires - now)
        cache_control = (b"cache-control", b"public, max-age=%d" % left)
        if _if_none_match(scope) == entry.etag:
            headers = [(b"etag", entry.etag), cache_control]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        # A fresh list each time: the outer middleware appends to it.
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [*entry.headers, cache_control],
            }
        )
        body = b"" if scope["method"] == "HEAD" else entry.body
        await send({"type": "http.response.body", "body": body})

    async def _fill(
        self, scope: Scope, receive: Receive, send: Send, key: bytes, now: float
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        generation = self._generation

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            assert start is not None
            body = b"".join(chunks)
            if start["status"] != 200 or len(body) > MAX_BODY or scope["method"] == "HEAD":
                await send(start)
                await send({"type": "http.response.body", "body": body})
                return
            etag = b'"%s"' % hashlib.blake2b(body, digest_size=10).hexdigest().encode()
            headers = [(k, v) for k, v in start["headers"] if k not in (b"etag", b"cache-control")]
            entry = _Entry(
                headers=[*headers, (b"etag", etag)],
                body=body,
                etag=etag,
                expires=now + self.seconds,
            )
            if generation == self._generation:  # no write since this page was read
                self._store(key, entry, now)
            await self._serve(scope, send, entry, now)

        await self.app(scope, receive, capture)

    def _store(self, key: bytes, entry: _Entry, now: float) -> None:
        self._drop(key)
        if len(self._entries) >= MAX_ENTRIES or self._bytes + len(entry.body) > MAX_BYTES:
            for k in [k for k, e in self._entries.items() if e.expires <= now]:
                self._drop(k)
            while self._entries and (  # all fresh: drop the oldest
                len(self._entries) >= MAX_ENTRIES or self._bytes + len(entry.body) > MAX_BYTES
            ):
                self._drop(next(iter(self._entries)))
        self._entries[key] = entry
        self._bytes += len(entry.body)

    def _drop(self, key: bytes) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)


def _if_none_match(scope: Scope) -> bytes | None:
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            return bytes(value)
    return None


def _origin(scope: Scope) -> bytes:
    for name, value in scope["headers"]:
        if name == b"origin":
            return bytes(value)
    return b""
