"""Importing existing comments in bulk (the JSONL of `parvis import`).

One line per comment, parents before their replies:
    {"id": 17, "uri": "/article", "parent": null | 12, "author": "...",
     "email": "..." | null, "text": "...", "created": 1704685717.04 | "<ISO 8601>"}
`id` and `parent` are the source system's ids; Parvis gives its own and keeps the
links. Imported comments are published: they were moderated where they come from.

Streaming: the file is read line by line and written in batches of `batch_size`; only
the id map (source id -> Parvis id and root) stays in memory, 32 bytes a comment in
arrays while the source ids increase (the usual export order). A bad line is reported
with its number and reason and skipped; it never stops the import.

Each batch in two steps. Preparing (`_Preparer`: decoding, cleaning, rendering, encoding
the values for the database) needs nothing from the other lines, so for a large input
worker processes do it, a few batches ahead. Linking (`_links`: the ids, the parent and
root, the thread) needs every earlier line, so this process does it, batch after batch,
while the rows stream into COPY: the server stores one batch while this process links
the next and the workers prepare the ones after. The database sees one connection and,
for an initial load, one transaction, as before.
"""

from __future__ import annotations

import gc
import os
import re
import time
from array import array
from bisect import bisect_left
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import closing, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import chain
from multiprocessing import get_context

import msgspec
from sqlalchemy import Connection

from parvis.domain.comment import CommentStatus
from parvis.services.rendering import plain_html, render
from parvis.services.runtime import Runtime
from parvis.services.validation import clean_email, title_from_uri
from parvis.store import bulk
from parvis.store.db import Database
from parvis.store.threads import add_published

PUBLISHED = CommentStatus.PUBLISHED.value
_SAME = {"status": PUBLISHED, "client_hash": "", "risk": 0.0, "flags": ""}  # in every row
MAX_AUTHOR = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

OnBad = Callable[[int, str], None]
OnProgress = Callable[["ImportReport"], None]


class SourceComment(msgspec.Struct, gc=False):
    id: int
    uri: str
    text: str
    author: str
    created: float | str
    parent: int | None = None
    email: str | None = None


_decode = msgspec.json.Decoder(SourceComment).decode


@dataclass
class ImportReport:
    lines: int = 0
    imported: int = 0
    skipped: int = 0
    threads: int = 0  # threads created
    bytes: int = 0  # input read so far
    seconds: float = 0.0
    phase: str = "comments"  # then "indexes" (initial load only), "done"

    @property
    def rate(self) -> float:
        return self.imported / self.seconds if self.seconds else 0.0


class BadLine(Exception):
    pass


class IdMap:
    """Source comment id -> (Parvis id, Parvis root id, Parvis thread id).

    Sorted parallel arrays while the source ids arrive increasing (bisect to look up),
    a dict from the first id that breaks the order.
    """

    def __init__(self) -> None:
        self._src = array("q")
        self._dst = array("q")
        self._root = array("q")
        self._thread = array("q")
        self._dict: dict[int, tuple[int, int, int]] | None = None

    def get(self, src: int) -> tuple[int, int, int] | None:
        if self._dict is not None:
            return self._dict.get(src)
        i = bisect_left(self._src, src)
        if i < len(self._src) and self._src[i] == src:
            return self._dst[i], self._root[i], self._thread[i]
        return None

    def add(self, src: int, dst: int, root: int, thread: int) -> bool:
        """Map `src`; False, and nothing changes, if it is already mapped."""
        if self._dict is None and (not self._src or src > self._src[-1]):
            self._src.append(src)
            self._dst.append(dst)
            self._root.append(root)
            self._thread.append(thread)
            return True
        if self.get(src) is not None:
            return False
        if self._dict is None:
            self._dict = {
                s: (d, r, t)
                for s, d, r, t in zip(self._src, self._dst, self._root, self._thread, strict=True)
            }
            self._src, self._dst, self._root, self._thread = (array("q") for _ in range(4))
        self._dict[src] = (dst, root, thread)
        return True


@dataclass
class _Batch:
    lines: list[bytes]
    first: int  # the number of its first line
    read: int  # lines read so far, this batch included
    bytes: int  # bytes read so far


@dataclass
class _Prepared:
    """A batch's comments, decoded, cleaned, rendered and encoded: all that does not
    depend on the comments before them, so worker processes prepare batches side by side
    (by `_Preparer`) and this process only links them (`_links`)."""

    numbers: list[int] = field(default_factory=list)  # the good comments' line numbers
    sources: list[int] = field(default_factory=list)  # their source ids
    parents: list[int | None] = field(default_factory=list)  # source ids
    uris: list[str] = field(default_factory=list)
    firsts: dict[str, datetime] = field(default_factory=dict)  # uri -> its first good date
    values: bulk.Encoded = field(default_factory=bulk.Encoded)
    bad: list[tuple[int, str]] = field(default_factory=list)


def import_comments(
    rt: Runtime,
    lines: Iterable[bytes],
    *,
    batch_size: int = 20_000,
    workers: int | None = None,
    on_bad: OnBad | None = None,
    on_progress: OnProgress | None = None,
) -> ImportReport:
    """Load the JSONL lines into the store; return what was done.

    Into an empty store (an initial load) the whole import is one transaction, which
    keeps others off the comments table, and most secondary indexes are built once at
    the end: all or nothing, and several times faster. Into a store in use, each batch
    is its own transaction and readers go on. Bad lines reach `on_bad` in line order,
    batch by batch.

    `workers` processes prepare the batches (0: this process does; None: one per core
    when there is more than one batch).
    """
    db = rt.db
    report = ImportReport()
    started = time.perf_counter()
    with db.write() as conn:
        initial = bulk.is_empty(conn)
    if initial:
        with db.write() as conn:
            undo = bulk.begin_initial_load(conn, _SAME)
            _load(db, lines, batch_size, workers, report, on_bad, on_progress, load=conn)
            report.phase = "indexes"
            if on_progress:
                on_progress(report)
            bulk.end_initial_load(conn, undo)
            bulk.analyze(conn)
    else:
        _load(db, lines, batch_size, workers, report, on_bad, on_progress)
        with db.write() as conn:
            bulk.analyze(conn)
    report.seconds = time.perf_counter() - started  # the commit included
    report.phase = "done"
    return report


def _load(
    db: Database,
    lines: Iterable[bytes],
    batch_size: int,
    workers: int | None,
    report: ImportReport,
    on_bad: OnBad | None,
    on_progress: OnProgress | None,
    *,
    load: Connection | None = None,
) -> None:
    """Batch by batch, each in its own transaction, or all in `load`'s (an initial load,
    which holds the table's lock)."""
    started = time.perf_counter()
    ids = IdMap()
    threads: dict[str, int] = {}
    batches = _batches(lines, batch_size)
    with closing(_prepared(db.dialect, batches, workers)) as prepared:
        for batch, ready in prepared:
            if ready.numbers:
                with db.write() if load is None else nullcontext(load) as conn:
                    locked = load is not None
                    imported, created = _write_batch(conn, ready, ids, threads, locked)
                report.imported += imported
                report.threads += created
            report.lines, report.bytes = batch.read, batch.bytes
            report.skipped += len(ready.bad)
            if on_bad:
                for number, reason in sorted(ready.bad):
                    on_bad(number, reason)
            report.seconds = time.perf_counter() - started
            if on_progress:
                on_progress(report)


def _batches(lines: Iterable[bytes], size: int) -> Iterator[_Batch]:
    read = done = 0
    chunk: list[bytes] = []
    for line in lines:
        chunk.append(line)
        read += len(line)
        if len(chunk) >= size:
            yield _Batch(chunk, done + 1, done + len(chunk), read)
            done += len(chunk)
            chunk = []
    if chunk:
        yield _Batch(chunk, done + 1, done + len(chunk), read)


def _prepared(
    dialect: str, batches: Iterator[_Batch], workers: int | None
) -> Generator[tuple[_Batch, _Prepared]]:
    """Each batch with its prepared comments, in order.

    In worker processes, a few batches ahead, while this process links and writes the
    earlier ones and the server stores them: the preparing is most of the work (JSON,
    cleaning, rendering, encoding: some 12 µs a comment against 2 for linking), and one
    process doing it all left the second core half idle. Not for a small input: starting
    them (0.5 s) would cost more than they save.
    """
    ahead: list[_Batch] = []
    if workers is None:
        seen = 0
        while (seen < _WORKERS_FROM or len(ahead) < 2) and (batch := next(batches, None)):
            ahead.append(batch)
            seen += len(batch.lines)
        workers = _default_workers() if seen >= _WORKERS_FROM and len(ahead) > 1 else 0
    batches = chain(ahead, batches)
    if workers == 0:
        prepare = _Preparer(dialect)
        for batch in batches:
            yield batch, prepare(batch.first, batch.lines)
        return
    pool = ProcessPoolExecutor(
        workers, get_context("spawn"), initializer=_start_worker, initargs=(dialect,)
    )
    try:
        pending: deque[tuple[_Batch, Future[_Prepared]]] = deque()
        for batch in batches:
            pending.append((batch, pool.submit(_prepare_here, batch.first, batch.lines)))
            if len(pending) > workers:  # one more than they work on: none waits
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
    finally:
        pool.shutdown(cancel_futures=True)


_WORKERS_FROM = 100_000  # lines; fewer take 1.5 s at most, not worth starting processes


def _default_workers() -> int:
    """One per core, up to 4: past that, this process's linking is the limit."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(4, cores or 1))


class _Preparer:
    """Prepares batches (`_Prepared`) for one dialect; keeps what it learns across them."""

    def __init__(self, dialect: str) -> None:
        self._dialect = dialect
        self._uris: dict[str, str] = {}  # as found -> as stored, once checked

    def __call__(self, first: int, lines: list[bytes]) -> _Prepared:
        ready = _Prepared()
        values: list[bulk.Values] = []
        for number, line in enumerate(lines, first):
            try:
                c = _decode_line(line, self._uris)
                if c is None:
                    continue
                values.append(_values(c))
            except BadLine as exc:
                ready.bad.append((number, str(exc)))
                continue
            ready.numbers.append(number)
            ready.sources.append(c.id)
            ready.parents.append(c.parent)
            ready.uris.append(c.uri)
            ready.firsts.setdefault(c.uri, values[-1][4])
        ready.values = bulk.encode(self._dialect, values)
        return ready


_worker: _Preparer | None = None  # in a worker process


def _start_worker(dialect: str) -> None:
    global _worker
    _worker = _Preparer(dialect)
    gc.disable()  # it makes no cycles; the collector only scanned each batch's new tuples


def _prepare_here(first: int, lines: list[bytes]) -> _Prepared:
    assert _worker is not None
    return _worker(first, lines)


def _decode_line(line: bytes, uris: dict[str, str]) -> SourceComment | None:
    """The comment of one line, its uri checked; None for a blank line."""
    try:
        c = _decode(line)
    except msgspec.ValidationError as exc:
        raise BadLine(f"invalid value: {exc}") from None
    except msgspec.DecodeError:
        if not line.strip():
            return None
        raise BadLine("not a JSON object") from None
    uri = uris.get(c.uri)
    if uri is None:
        uri = c.uri.strip()
        if not uri or len(uri) > 1024 or _CONTROL.search(uri):
            raise BadLine("the uri is missing or invalid")
        uris[c.uri] = uri
    c.uri = uri
    return c


def _created(value: float | str) -> datetime:
    try:
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        return datetime.fromtimestamp(value, UTC)
    except (ValueError, OverflowError, OSError):
        raise BadLine(f"created is not a date: {value!r}") from None


# Authors and addresses repeat (a few regulars write most comments): clean each once.
@lru_cache(maxsize=65_536)
def _author(value: str) -> str:
    author = " ".join(_CONTROL.sub("", value).split())[:MAX_AUTHOR]
    if not author:
        raise BadLine("the author is empty")
    return author


@lru_cache(maxsize=65_536)
def _email(value: str | None) -> str | None:
    try:
        return clean_email(value)
    except Exception:  # an address we would refuse today: keep the comment, drop the address
        return None


def _write_batch(
    conn: Connection,
    ready: _Prepared,
    ids: IdMap,
    threads: dict[str, int],
    locked: bool,
) -> tuple[int, int]:
    """Write the batch's good comments; return (comments written, threads created)."""
    created = _create_threads(conn, ready.firsts, threads)
    reserved = bulk.reserve_comment_ids(conn, len(ready.numbers), locked=locked)
    per_thread: Counter[int] = Counter()
    links = _links(ready, reserved, ids, threads, per_thread)
    written = bulk.write_encoded(conn, ready.values, links, _SAME)
    add_published(conn, per_thread)  # imported comments are published
    return written, created


def _links(
    ready: _Prepared,
    reserved: list[int],
    ids: IdMap,
    threads: dict[str, int],
    per_thread: Counter[int],
) -> Iterator[bulk.Link]:
    """The ids of each good comment's row, counted by thread in `per_thread`; the ones
    whose parent is unknown or in another article, or seen before, go to `ready.bad`.

    A generator, consumed while COPY runs: the server stores the rows already sent while
    this process links the next ones.
    """
    found = zip(ready.numbers, ready.sources, ready.parents, ready.uris, reserved, strict=True)
    for n, (number, source, parent, uri, new_id) in enumerate(found):
        # an id left unused by a bad line is just a gap
        thread_id = threads[uri]
        parent_id = None
        root_id = new_id
        if parent is not None:
            linked = ids.get(parent)
            if linked is None:
                ready.bad.append((number, f"parent {parent} is not an earlier comment of the file"))
                continue
            parent_id, root_id, parent_thread = linked
            if parent_thread != thread_id:
                ready.bad.append((number, f"parent {parent} belongs to another article"))
                continue
        if not ids.add(source, new_id, root_id, thread_id):
            ready.bad.append((number, f"comment {source} appears twice"))
            continue
        per_thread[thread_id] += 1
        yield n, new_id, thread_id, parent_id, root_id


def _values(c: SourceComment) -> bulk.Values:
    created = _created(c.created)
    text = c.text.strip()
    html = plain_html(text)  # plain prose has no control characters and no \r either
    if html is None:
        text = _CONTROL.sub("", c.text.replace("\r\n", "\n")).strip()
        html = render(text)
    if not text:
        raise BadLine("the text is empty")
    return _author(c.author), _email(c.email), text, html, created


def _create_threads(conn: Connection, firsts: dict[str, datetime], threads: dict[str, int]) -> int:
    """Create or find the batch's new threads (created: their first good date); return
    how many were created. Creating first: into an empty store there is nothing to find."""
    first = {uri: when for uri, when in firsts.items() if uri not in threads}
    if not first:
        return 0
    made = bulk.create_threads(conn, [(u, title_from_uri(u), when) for u, when in first.items()])
    threads.update(made)
    threads.update(bulk.thread_ids(conn, [u for u in first if u not in made]))
    return len(made)
