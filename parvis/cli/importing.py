"""`parvis import FILE`: load existing comments in bulk."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import IO

import click

from parvis.cli.context import settings
from parvis.services.importing import ImportReport, OnBad, import_comments
from parvis.store.db import Database

MAX_REPORTED = 100  # bad lines printed one by one; the rest are only counted


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
@click.pass_context
def import_(ctx: click.Context, source: str, fmt: str, db_url: str | None, batch_size: int) -> None:
    """Import existing comments from SOURCE (a file, or - for stdin).

    One JSON object per line: {"id", "uri", "parent", "author", "email", "text",
    "created"}; "id" and "parent" are the source's own ids, parents come before
    their replies. Threads are created as needed. The comments are imported as
    PUBLISHED, without going through moderation: they are existing comments,
    already moderated where they come from. Bad lines are reported with their
    number and skipped.
    """
    db = Database(settings(ctx, database__url=db_url).database.url)
    db.migrate()  # no secret key needed: importing signs nothing
    stream: IO[bytes] = sys.stdin.buffer if source == "-" else open(source, "rb")  # noqa: SIM115
    total = None if source == "-" else os.fstat(stream.fileno()).st_size
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
            report = _with_bar(db, stream, total, batch_size, on_bad)
        else:
            report = import_comments(
                db, _lines(stream), batch_size=batch_size, on_bad=on_bad, on_progress=_log
            )
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
        db.dispose()
    click.echo(
        f"imported {report.imported} comments ({report.threads} new threads), "
        f"skipped {report.skipped} bad lines, in {report.seconds:.1f} s "
        f"({report.rate:,.0f} comments/s)"
    )


def _lines(stream: IO[bytes]) -> Iterator[bytes]:
    yield from stream


_last_log = [0.0]


def _log(report: ImportReport) -> None:
    """Progress on stderr every few seconds when it is not a terminal (logs, pipes)."""
    if report.seconds - _last_log[0] < 5:
        return
    _last_log[0] = report.seconds
    click.echo(
        f"  {report.imported:>11,} comments  {report.rate:>9,.0f}/s  {report.skipped} skipped",
        err=True,
    )


def _with_bar(
    db: Database, stream: IO[bytes], total: int | None, batch_size: int, on_bad: OnBad
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

    columns = [
        TextColumn("importing"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[comments]:,} comments, {task.fields[rate]:,.0f}/s"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task("import", total=total, comments=0, rate=0.0)

        def on_progress(report: ImportReport) -> None:
            progress.update(
                task, completed=report.bytes, comments=report.imported, rate=report.rate
            )

        return import_comments(
            db, _lines(stream), batch_size=batch_size, on_bad=on_bad, on_progress=on_progress
        )
