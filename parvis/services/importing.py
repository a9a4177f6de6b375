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

Each batch in two passes: the lines are decoded first (the threads and the number of
ids must be known before writing); the rest (cleaning, rendering, the row itself, and
decoding the next batch) happens while the rows stream into COPY, so that PostgreSQL
stores row n on the other core while this process prepares row n+1.
"""

from __future__ import annotations

import re
import time
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

import msgspec
from sqlalchemy import Connection

from parvis.domain.comment import CommentStatus
from parvis.services.rendering import plain_html, render
from parvis.services.validation import clean_email, title_from_uri
from parvis.store import bulk
from parvis.store.db import Database
from parvis.store.threads import add_published

PUBLISHED = CommentStatus.PUBLISHED.value
_SAME_IN_EVERY_ROW = ("status", "client_hash", "risk", "flags")  # see _row's last values
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
    comments: list[tuple[int, SourceComment]] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)
    lines: int = 0  # read so far, this batch included
    bytes: int = 0


def import_comments(
    db: Database,
    lines: Iterable[bytes],
    *,
    batch_size: int = 20_000,
    on_bad: OnBad | None = None,
    on_progress: OnProgress | None = None,
) -> ImportReport:
    """Load the JSONL lines into the store; return what was done.

    Into an empty store (an initial load) the whole import is one transaction, which
    keeps others off the comments table, and most secondary indexes are built once at
    the end: all or nothing, and several times faster. Into a store in use, each batch
    is its own transaction and readers go on. Bad lines reach `on_bad` in line order,
    batch by batch.
    """
    report = ImportReport()
    started = time.perf_counter()
    with db.write() as conn:
        initial = bulk.is_empty(conn)
    if initial:
        with db.write() as conn:
            undo = bulk.begin_initial_load(conn, _SAME_IN_EVERY_ROW)
            _load(db, lines, batch_size, report, on_bad, on_progress, load=conn)
            report.phase = "indexes"
            if on_progress:
                on_progress(report)
            bulk.end_initial_load(conn, undo)
            bulk.analyze(conn)
    else:
        _load(db, lines, batch_size, report, on_bad, on_progress)
        with db.write() as conn:
            bulk.analyze(conn)
    report.seconds = time.perf_counter() - started  # the commit included
    report.phase = "done"
    return report


def _load(
    db: Database,
    lines: Iterable[bytes],
    batch_size: int,
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
    reader = _Reader(lines, batch_size)
    while True:
        batch = reader.take()
        if batch.comments:
            with db.write() if load is None else nullcontext(load) as conn:
                locked = load is not None
                imported, created = _write_batch(conn, batch, ids, threads, locked, reader)
            report.imported += imported
            report.threads += created
        report.lines, report.bytes = batch.lines, batch.bytes
        report.skipped += len(batch.bad)
        if on_bad:
            for number, reason in sorted(batch.bad):
                on_bad(number, reason)
        report.seconds = time.perf_counter() - started
        if on_progress:
            on_progress(report)
        if reader.exhausted:
            return


class _Reader:
    """The lines, decoded, in batches.

    `step` decodes one line of the next batch; the writer calls it after each row it
    hands to COPY, so the next batch is mostly decoded by the time this one is written
    and the database is not left waiting for it.
    """

    def __init__(self, lines: Iterable[bytes], batch_size: int) -> None:
        self._lines = iter(lines)
        self._size = batch_size
        self._next = _Batch()
        self._number = 0
        self._bytes = 0
        self._ended = False
        self._uris: dict[str, str] = {}  # as found -> as stored, once checked

    @property
    def exhausted(self) -> bool:
        """Every line was read and taken."""
        return self._ended and not self._next.comments and not self._next.bad

    def step(self) -> None:
        if self._ended or len(self._next.comments) >= self._size:
            return
        line = next(self._lines, None)
        if line is None:
            self._ended = True
            return
        self._number += 1
        self._bytes += len(line)
        try:
            c = _decode_line(line, self._uris)
        except BadLine as exc:
            self._next.bad.append((self._number, str(exc)))
            return
        if c is not None:
            self._next.comments.append((self._number, c))

    def take(self) -> _Batch:
        """The next batch, filled up to the batch size or the end of the input."""
        while not self._ended and len(self._next.comments) < self._size:
            self.step()
        batch, self._next = self._next, _Batch()
        batch.lines, batch.bytes = self._number, self._bytes
        return batch


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
    batch: _Batch,
    ids: IdMap,
    threads: dict[str, int],
    locked: bool,
    reader: _Reader,
) -> tuple[int, int]:
    """Write the batch's good comments; return (comments written, threads created)."""
    created = _create_threads(conn, batch.comments, threads)
    reserved = bulk.reserve_comment_ids(conn, len(batch.comments), locked=locked)
    per_thread: Counter[int] = Counter()
    rows = _rows(batch, reserved, ids, threads, reader.step, per_thread)
    written = bulk.write_comments(conn, rows)
    add_published(conn, per_thread)  # imported comments are published
    return written, created


def _rows(
    batch: _Batch,
    reserved: list[int],
    ids: IdMap,
    threads: dict[str, int],
    meanwhile: Callable[[], None],
    per_thread: Counter[int],
) -> Iterator[bulk.Row]:
    """The rows of the batch's good comments, counted by thread in `per_thread`; the bad
    ones go to `batch.bad`.

    A generator, consumed while COPY runs: the cleaning and rendering of each comment
    (and `meanwhile`, the decoding of a line of the next batch) overlap with the
    database storing the previous rows.
    """
    for (number, c), new_id in zip(batch.comments, reserved, strict=True):
        try:  # an id left unused by a bad line is just a gap
            row = _row(c, new_id, ids, threads)
        except BadLine as exc:
            batch.bad.append((number, str(exc)))
        else:
            per_thread[row[1]] += 1
            yield row
        meanwhile()


def _row(c: SourceComment, new_id: int, ids: IdMap, threads: dict[str, int]) -> bulk.Row:
    created = _created(c.created)
    text = c.text.strip()
    html = plain_html(text)  # plain prose has no control characters and no \r either
    if html is None:
        text = _CONTROL.sub("", c.text.replace("\r\n", "\n")).strip()
        html = render(text)
    if not text:
        raise BadLine("the text is empty")
    author = _author(c.author)
    thread_id = threads[c.uri]
    parent_id = None
    root_id = new_id
    if c.parent is not None:
        parent = ids.get(c.parent)
        if parent is None:
            raise BadLine(f"parent {c.parent} is not an earlier comment of the file")
        parent_id, root_id, parent_thread = parent
        if parent_thread != thread_id:
            raise BadLine(f"parent {c.parent} belongs to another article")
    if not ids.add(c.id, new_id, root_id, thread_id):
        raise BadLine(f"comment {c.id} appears twice")
    email = _email(c.email)
    return (new_id, thread_id, parent_id, root_id, author, email, text, html,
            PUBLISHED, created, "", 0.0, "")  # fmt: skip


def _create_threads(
    conn: Connection, comments: list[tuple[int, SourceComment]], threads: dict[str, int]
) -> int:
    """Create or find the batch's new threads (created: their first good date); return
    how many were created. Creating first: into an empty store there is nothing to find."""
    first: dict[str, datetime] = {}
    for _, c in comments:
        if c.uri not in threads and c.uri not in first:
            try:
                first[c.uri] = _created(c.created)
            except BadLine:
                continue
    if not first:
        return 0
    made = bulk.create_threads(conn, [(u, title_from_uri(u), when) for u, when in first.items()])
    threads.update(made)
    threads.update(bulk.thread_ids(conn, [u for u in first if u not in made]))
    return len(made)
