"""`parvis moderate`: JSON Lines of comments in, JSON Lines of verdicts out (DESIGN §3).

Streaming: lines are read, moderated and written in input order with a bounded
number in flight, so the input never sits in memory. With --jobs N the work goes
to N processes in chunks; models are loaded before the workers fork, so they
share them instead of loading them N times.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import IO, Any

import click

from parvis.domain.charter import Charter
from parvis.domain.verdict import CheckContext
from parvis.errors import Invalid
from parvis.services.charters import Engine, load, loaded_engine

log = logging.getLogger(__name__)

CHUNK = 32  # lines per task sent to a worker
WINDOW_PER_JOB = 4  # chunks in flight per worker

_engine: Engine | None = None  # the worker's engine (inherited on fork)


class BadLine(ValueError):
    def __init__(self, message: str, id: Any = None) -> None:
        super().__init__(message)
        self.id = id


def parse_jobs(_ctx: click.Context, _param: click.Parameter, value: str) -> int:
    if value.strip().lower() in {"auto", "0"}:
        return os.cpu_count() or 1
    try:
        jobs = int(value)
    except ValueError:
        raise click.BadParameter("a number of processes, 0 or 'auto'") from None
    if jobs < 0:
        raise click.BadParameter("a number of processes, 0 or 'auto'")
    return jobs


@click.command()
@click.option(
    "--charter",
    "charter_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Charter TOML file (default: the built-in French charter).",
)
@click.option(
    "--jobs",
    "-j",
    default="1",
    callback=parse_jobs,
    help="Processes to use; 0 or 'auto' for every core.",
)
def moderate(charter_path: str | None, jobs: int) -> None:
    """Moderate JSON Lines comments from stdin: one verdict a line on stdout, in order.

    Each input line is {"id": ..., "text": "..."}, optionally with "title" (the
    article's) and "context": {"title", "article_text", "recent_texts",
    "author_recent_count"}. A bad line gets {"id": ..., "error": "..."}.
    """
    try:
        charter = load(charter_path)
        engine = loaded_engine(charter)
    except Invalid as exc:
        raise click.ClickException(exc.message) from exc
    stdin = sys.stdin.buffer
    stdout = sys.stdout.buffer
    lines = ((n, raw) for n, raw in enumerate(stdin, start=1) if raw.strip())
    if jobs <= 1:
        results: Iterator[list[str]] = ([moderate_line(raw, engine)] for _n, raw in lines)
    else:
        results = _in_pool(lines, engine, charter, jobs)
    _write(results, stdout, interactive=_is_tty(sys.stderr))


def moderate_line(raw: bytes | str, engine: Engine) -> str:
    """One input line to one output line; never raises."""
    try:
        id, text, context = parse_line(raw)
    except BadLine as exc:
        return _dumps({"id": exc.id, "error": str(exc)})
    try:
        verdict = engine.moderate(text, context)
    except Exception as exc:  # a bug in a check must not stop the run
        log.exception("moderation failed for id %r", id)
        return _dumps({"id": id, "error": f"internal error: {type(exc).__name__}"})
    return _dumps({"id": id, **verdict.to_dict()})


def parse_line(raw: bytes | str) -> tuple[Any, str, CheckContext]:
    if isinstance(raw, bytes) and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a byte order mark some editors put at the start of the file
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise BadLine("line is not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise BadLine(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    except (ValueError, RecursionError) as exc:  # e.g. nesting too deep
        raise BadLine(f"invalid JSON: {type(exc).__name__}") from None
    if not isinstance(data, dict):
        raise BadLine(f"expected a JSON object, got {_json_type(data)}")
    id = data.get("id")
    if "text" not in data:
        raise BadLine("missing field 'text'", id)
    text = data["text"]
    if not isinstance(text, str):
        raise BadLine(f"field 'text' must be a string, got {_json_type(text)}", id)
    return id, text, _context(data, id)


def _context(data: dict[str, Any], id: Any) -> CheckContext:
    ctx = data.get("context") or {}
    if not isinstance(ctx, dict):
        raise BadLine("field 'context' must be an object", id)
    title = data.get("title", ctx.get("title"))
    article = ctx.get("article_text")
    recent = ctx.get("recent_texts", [])
    count = ctx.get("author_recent_count", 0)
    if title is not None and not isinstance(title, str):
        raise BadLine("field 'title' must be a string", id)
    if article is not None and not isinstance(article, str):
        raise BadLine("field 'context.article_text' must be a string", id)
    if not isinstance(recent, list) or not all(isinstance(t, str) for t in recent):
        raise BadLine("field 'context.recent_texts' must be a list of strings", id)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise BadLine("field 'context.author_recent_count' must be a whole number", id)
    return CheckContext(title, article, tuple(recent), count)


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def _dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _in_pool(
    lines: Iterable[tuple[int, bytes]], engine: Engine, charter: Charter, jobs: int
) -> Iterator[list[str]]:
    global _engine
    _engine = engine  # inherited by forked workers; rebuilt by the initializer otherwise
    methods = multiprocessing.get_all_start_methods()
    mp = multiprocessing.get_context("fork" if "fork" in methods else None)
    window: deque[Future[list[str]]] = deque()
    with ProcessPoolExecutor(
        jobs, mp_context=mp, initializer=_init_worker, initargs=(charter,)
    ) as pool:
        for chunk in _chunks(lines, CHUNK):
            window.append(pool.submit(_moderate_chunk, chunk))
            if len(window) >= jobs * WINDOW_PER_JOB:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


def _chunks(lines: Iterable[tuple[int, bytes]], size: int) -> Iterator[list[bytes]]:
    chunk: list[bytes] = []
    for _n, raw in lines:
        chunk.append(raw)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _init_worker(charter: Charter) -> None:
    global _engine
    if _engine is None:
        _engine = loaded_engine(charter)


def _moderate_chunk(chunk: list[bytes]) -> list[str]:
    assert _engine is not None
    return [moderate_line(raw, _engine) for raw in chunk]


def _write(results: Iterable[list[str]], out: IO[bytes], interactive: bool) -> None:
    if not interactive:
        for batch in results:
            out.write("".join(line + "\n" for line in batch).encode("utf-8"))
            out.flush()
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    started = time.perf_counter()
    columns = (
        SpinnerColumn(),
        TextColumn("{task.completed} comments"),
        TextColumn("{task.fields[rate]:.0f}/s"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task("moderate", total=None, rate=0.0)
        done = 0
        for batch in results:
            out.write("".join(line + "\n" for line in batch).encode("utf-8"))
            out.flush()
            done += len(batch)
            rate = done / max(time.perf_counter() - started, 1e-6)
            progress.update(task, completed=done, rate=rate)


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
