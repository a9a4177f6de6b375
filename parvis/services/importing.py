"""Importing existing comments in bulk (the JSONL of `parvis import`).

One line per comment, parents before their replies:
    {"id": 17, "uri": "/article", "parent": null | 12, "author": "...",
     "email": "..." | null, "text": "...", "created": 1704685717.04 | "<ISO 8601>"}
`id` and `parent` are the source system's ids; Parvis gives its own and keeps the
links. Imported comments are published: they were moderated where they come from.

Streaming: the file is read line by line and written in batches of `batch_size`, one
transaction each; only the id map (source id -> Parvis id and root) stays in memory,
32 bytes a comment in arrays while the source ids increase (the usual export order).
A bad line is reported with its number and skipped; it never stops the import.
"""

from __future__ import annotations

import re
import time
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec
from sqlalchemy import Connection

from parvis.domain.comment import CommentStatus
from parvis.services.rendering import render
from parvis.services.validation import clean_email
from parvis.store import bulk
from parvis.store.db import Database

PUBLISHED = CommentStatus.PUBLISHED.value
MAX_AUTHOR = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

OnBad = Callable[[int, str], None]
OnProgress = Callable[["ImportReport"], None]


class SourceComment(msgspec.Struct):
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

    def add(self, src: int, dst: int, root: int, thread: int) -> None:
        if self._dict is None and (not self._src or src > self._src[-1]):
            self._src.append(src)
            self._dst.append(dst)
            self._root.append(root)
            self._thread.append(thread)
            return
        if self._dict is None:
            self._dict = {
                s: (d, r, t)
                for s, d, r, t in zip(self._src, self._dst, self._root, self._thread, strict=True)
            }
            self._src, self._dst, self._root, self._thread = (array("q") for _ in range(4))
        self._dict[src] = (dst, root, thread)


def import_comments(
    db: Database,
    lines: Iterable[bytes],
    *,
    batch_size: int = 20_000,
    on_bad: OnBad | None = None,
    on_progress: OnProgress | None = None,
) -> ImportReport:
    """Load the JSONL lines into the store; return what was done.

    Into an empty store (an initial load) the whole import is one transaction and the
    secondary indexes are built once at the end: all or nothing, and several times
    faster. Into a store in use, each batch is its own transaction and readers go on.
    """
    with db.write() as conn:
        initial = bulk.is_empty(conn)
    if not initial:
        report = _load(db.write, lines, batch_size, on_bad, on_progress)
        with db.write() as conn:
            bulk.analyze(conn)
        return report
    with db.write() as conn:
        rebuild = bulk.drop_secondary_indexes(conn)
        report = _load(lambda: nullcontext(conn), lines, batch_size, on_bad, on_progress)
        report.phase = "indexes"
        if on_progress:
            on_progress(report)
        started = time.perf_counter() - report.seconds
        bulk.create_indexes(conn, rebuild)
        bulk.analyze(conn)
        report.seconds = time.perf_counter() - started
    report.phase = "done"
    return report


def _load(
    transaction: Callable[[], AbstractContextManager[Connection]],
    lines: Iterable[bytes],
    batch_size: int,
    on_bad: OnBad | None,
    on_progress: OnProgress | None,
) -> ImportReport:
    report = ImportReport()
    started = time.perf_counter()
    ids = IdMap()
    known_threads: dict[str, int] = {}
    batch: list[tuple[int, SourceComment]] = []

    def flush() -> None:
        if batch:
            with transaction() as conn:
                _write_batch(conn, batch, ids, known_threads, report, on_bad)
            batch.clear()
        report.seconds = time.perf_counter() - started
        if on_progress:
            on_progress(report)

    for number, line in enumerate(lines, start=1):
        report.lines = number
        report.bytes += len(line)
        if not line.strip():
            continue
        try:
            batch.append((number, _parse(line)))
        except BadLine as exc:
            _bad(report, on_bad, number, str(exc))
            continue
        if len(batch) >= batch_size:
            flush()
    flush()
    return report


def _bad(report: ImportReport, on_bad: OnBad | None, number: int, reason: str) -> None:
    report.skipped += 1
    if on_bad:
        on_bad(number, reason)


def _parse(line: bytes) -> SourceComment:
    try:
        c = _decode(line)
    except msgspec.ValidationError as exc:
        raise BadLine(f"invalid value: {exc}") from None
    except msgspec.DecodeError:
        raise BadLine("not a JSON object") from None
    c.uri = c.uri.strip()
    if not c.uri or len(c.uri) > 1024 or _CONTROL.search(c.uri):
        raise BadLine("the uri is missing or invalid")
    c.text = _CONTROL.sub("", c.text.replace("\r\n", "\n")).strip()
    if not c.text:
        raise BadLine("the text is empty")
    c.author = " ".join(_CONTROL.sub("", c.author).split())[:MAX_AUTHOR]
    if not c.author:
        raise BadLine("the author is empty")
    return c


def _title(uri: str) -> str:
    """'/2025/08/15/canicule-les-villes/' -> 'Canicule les villes' (as posting does)."""
    last = [p for p in re.split(r"[/?#]", uri) if p and not p.isdigit()]
    words = re.sub(r"[-_]+|\.html?$", " ", last[-1] if last else uri).strip()
    return (words[:1].upper() + words[1:])[:300] or uri


def _created(value: float | str) -> datetime:
    try:
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        return datetime.fromtimestamp(value, UTC)
    except (ValueError, OverflowError, OSError):
        raise BadLine(f"created is not a date: {value!r}") from None


def _email(value: str | None) -> str | None:
    try:
        return clean_email(value)
    except Exception:  # an address we would refuse today: keep the comment, drop the address
        return None


def _write_batch(
    conn: Connection,
    batch: list[tuple[int, SourceComment]],
    ids: IdMap,
    known_threads: dict[str, int],
    report: ImportReport,
    on_bad: OnBad | None,
) -> None:
    unknown = {c.uri for _, c in batch if c.uri not in known_threads}
    if unknown:
        known_threads.update(bulk.thread_ids(conn, unknown))
        first: dict[str, datetime] = {}
        for _, c in batch:
            if c.uri not in known_threads and c.uri not in first:
                try:
                    first[c.uri] = _created(c.created)
                except BadLine:
                    continue
        new = [(uri, _title(uri), created) for uri, created in first.items()]
        known_threads.update(bulk.create_threads(conn, new))
        report.threads += len(new)
    reserved = iter(bulk.reserve_comment_ids(conn, len(batch)))
    rows: list[bulk.Row] = []
    for number, c in batch:
        new_id = next(reserved)  # an id left unused by a bad line is just a gap
        try:
            rows.append(_row(c, new_id, ids, known_threads))
        except BadLine as exc:
            _bad(report, on_bad, number, str(exc))
    bulk.write_comments(conn, rows)
    report.imported += len(rows)


def _row(c: SourceComment, new_id: int, ids: IdMap, known_threads: dict[str, int]) -> bulk.Row:
    thread_id = known_threads[c.uri]
    if ids.get(c.id) is not None:
        raise BadLine(f"comment {c.id} appears twice")
    created = _created(c.created)
    parent_id: int | None = None
    root_id = new_id
    if c.parent is not None:
        parent = ids.get(c.parent)
        if parent is None:
            raise BadLine(f"parent {c.parent} is not an earlier comment of the file")
        parent_id, root_id, parent_thread = parent
        if parent_thread != thread_id:
            raise BadLine(f"parent {c.parent} belongs to another article")
    ids.add(c.id, new_id, root_id, thread_id)
    html = render_fast(c.text)
    return (
        new_id,
        thread_id,
        parent_id,
        root_id,
        c.author,
        _email(c.email),
        c.text,
        html,
        PUBLISHED,
        created,
        "",
        0.0,
        "",
    )


# Text made only of words, spaces, line breaks and plain punctuation: no markup, no
# link, nothing to escape. Its HTML is paragraphs and <br>, exactly what `render`
# produces (tests/bench/test_import.py checks it), ten times faster.
_NOT_PLAIN = re.compile(r"[^0-9A-Za-z\u00C0-\u024F \n.,;:!?'\"’«»…()\-]")
_LINK_LIKE = re.compile(r"[.:@/][^\s.,;:!?'\"’«»…()\-]")  # a domain, a scheme, an address


def render_fast(source: str) -> str:
    if _NOT_PLAIN.search(source) or _LINK_LIKE.search(source):
        return render(source)
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in source.split("\n"):
        line = line.strip(" ")
        if line:
            current.append(line)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return "\n".join("<p>" + "<br>\n".join(p) + "</p>" for p in paragraphs)
