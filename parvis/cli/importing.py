"""`parvis import FILE`: load existing comments in bulk."""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import queue
import stat
import sys
import threading
import time
from typing import IO, Any

import click

from parvis.cli.context import runtime
from parvis.services.importing import ImportReport, OnBad, OnProgress, import_comments
from parvis.services.runtime import Runtime

MAX_REPORTED = 100  # bad lines printed one by one; the rest are only counted
READ_BUFFER = 1 << 20  # bytes: a pipe hands over 64 KiB at a time, not the default 8 KiB
LOG_EVERY = 5.0  # seconds between progress lines when stderr is not a terminal


@click.command("import")
@click.argument("source", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl"]),
    default="jsonl",
    show_default=True,
    help="Input format.",
)
@click.option("--db", "db_url", default=None, help="Database URL [database.url, PARVIS_DB].")
@click.option(
    "--batch-size", type=int, default=20_000, show_default=True, help="Comments per transaction."
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Processes preparing the comments [default: one per core, up to 4, for large "
    "inputs]; 0: none.",
)
@click.pass_context
def import_(
    ctx: click.Context,
    source: str,
    fmt: str,
    db_url: str | None,
    batch_size: int,
    workers: int | None,
) -> None:
    """Import existing comments from SOURCE (a file, or - for stdin).

    One JSON object per line: {"id", "uri", "parent", "author", "email", "text",
    "created"}; "id" and "parent" are the source's own ids, parents come before
    their replies. Threads are created as needed. The comments are imported as
    PUBLISHED, without going through moderation: they are existing comments,
    already moderated where they come from. Bad lines are reported with their
    number and skipped.

    Into an empty database the import is one transaction (all or nothing) and
    keeps other readers and writers of the comments waiting until it ends; into a
    database in use, each batch is its own transaction.
    """
    rt = runtime(ctx, database__url=db_url)
    stream, total = _open(source)
    bad = 0

    def on_bad(number: int, reason: str) -> None:
        nonlocal bad
        bad += 1
        if bad <= MAX_REPORTED:
            click.echo(f"line {number}: skipped: {reason}", err=True)
        elif bad == MAX_REPORTED + 1:
            click.echo("(further bad lines are only counted)", err=True)

    try:
        if sys.stderr.isatty():
            report = _with_bar(rt, stream, total, batch_size, workers, on_bad)
        else:
            report = import_comments(
                rt,
                stream,
                batch_size=batch_size,
                workers=workers,
                on_bad=on_bad,
                on_progress=_logger(),
            )
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
        rt.close()
    click.echo(
        f"imported {report.imported} comments ({report.threads} new threads), "
        f"skipped {report.skipped} bad lines, in {report.seconds:.1f} s "
        f"({report.rate:,.0f} comments/s)"
    )


def _open(source: str) -> tuple[IO[bytes], int | None]:
    """The input and its size (None for stdin)."""
    if source != "-":
        stream = open(source, "rb", buffering=READ_BUFFER)  # noqa: SIM115
        return stream, os.fstat(stream.fileno()).st_size
    try:
        fd = sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (tests)
        return sys.stdin.buffer, None
    if stat.S_ISFIFO(os.fstat(fd).st_mode):
        return io.BufferedReader(_ReadAhead(fd), READ_BUFFER), None
    return open(fd, "rb", buffering=READ_BUFFER, closefd=False), None


class _ReadAhead(io.RawIOBase):
    """A pipe, drained by a thread into memory (up to 64 MiB ahead).

    Without it the program writing into the pipe waits whenever the importer works on
    what it read, and the importer waits whenever that program prepares its next
    lines: the two take turns instead of each using a core (a generator's 20,000-line
    writes against a 64 KiB pipe: 14,500 comments/s into SQLite, against 28,700 from a
    file).
    """

    def __init__(self, fd: int) -> None:
        super().__init__()
        with contextlib.suppress(AttributeError, OSError):  # Linux: 1 MiB a read
            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, READ_BUFFER)
        self._chunks: queue.Queue[bytes | BaseException] = queue.Queue(maxsize=64)
        self._chunk = memoryview(b"")
        self._ended = False
        threading.Thread(target=self._pump, args=(fd,), name="import-read", daemon=True).start()

    def _pump(self, fd: int) -> None:
        try:
            while data := os.read(fd, READ_BUFFER):
                self._chunks.put(data)
            self._chunks.put(b"")
        except BaseException as exc:  # the reader raises it
            self._chunks.put(exc)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self._chunk and not self._ended:
            chunk = self._chunks.get()
            if isinstance(chunk, BaseException):
                raise chunk
            self._chunk, self._ended = memoryview(chunk), not chunk
        n = min(len(buffer), len(self._chunk))
        buffer[:n] = self._chunk[:n]
        self._chunk = self._chunk[n:]
        return n


def _logger() -> OnProgress:
    """Progress on stderr every few seconds when it is not a terminal (logs, pipes)."""
    last = time.monotonic()

    def log(report: ImportReport) -> None:
        nonlocal last
        now = time.monotonic()
        if report.phase == "indexes":
            click.echo(f"  {report.imported:>11,} comments; building the indexes", err=True)
        elif now - last >= LOG_EVERY:
            click.echo(
                f"  {report.imported:>11,} comments  {report.rate:>9,.0f}/s"
                f"  {report.skipped} skipped",
                err=True,
            )
        else:
            return
        last = now

    return log


def _with_bar(
    rt: Runtime,
    stream: IO[bytes],
    total: int | None,
    batch_size: int,
    workers: int | None,
    on_bad: OnBad,
) -> ImportReport:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns: list[Any] = [
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[comments]:,} comments, {task.fields[rate]:,.0f}/s"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task("importing", total=total, comments=0, rate=0.0)

        def on_progress(report: ImportReport) -> None:
            progress.update(
                task,
                description="building the indexes" if report.phase == "indexes" else "importing",
                completed=report.bytes,
                comments=report.imported,
                rate=report.rate,
            )

        return import_comments(
            rt,
            stream,
            batch_size=batch_size,
            workers=workers,
            on_bad=on_bad,
            on_progress=on_progress,
        )
