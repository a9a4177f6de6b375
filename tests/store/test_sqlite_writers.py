"""Many writers on one SQLite file, as under `parvis serve --workers N` with its threads:
every write lands, none fails on the lock, and each waits its turn."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

from sqlalchemy import select

from parvis.store import ratelimits
from parvis.store.db import Database
from parvis.store.schema import rate_limits

PROCESSES, THREADS, WRITES = 3, 4, 40


def _writer_process(url: str, errors: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    db = Database(url)

    def hammer() -> None:
        for _ in range(WRITES):
            try:
                with db.write() as conn:
                    ratelimits.hit(conn, "shared", 0)
            except Exception as exc:  # reported to the test, which fails on any
                errors.put(repr(exc))

    threads = [threading.Thread(target=hammer) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.dispose()


def test_writers_in_several_processes_and_threads_all_land(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'parvis.db'}"
    db = Database(url)
    db.migrate()
    ctx = multiprocessing.get_context("spawn")  # like uvicorn's workers
    errors = ctx.Queue()
    procs = [ctx.Process(target=_writer_process, args=(url, errors)) for _ in range(PROCESSES)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert failures == []
    with db.read() as conn:
        hits = conn.execute(select(rate_limits.c.hits).where(rate_limits.c.key == "shared"))
        assert hits.scalar_one() == PROCESSES * THREADS * WRITES
    assert (tmp_path / "parvis.db.writer-lock").exists()
    db.dispose()
