"""Real `parvis worker` processes: killed with SIGKILL mid-batch, and two sharing the work.
Counted at the SMTP server by Message-ID. Also the throughput of one worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from parvis.config import Settings
from parvis.domain.mail import NewMail
from parvis.services.runtime import Runtime
from parvis.store import outbox
from parvis.store.db import Database
from parvis.store.schema import outbox as outbox_table
from tests.conftest import SECRET
from tests.notify.conftest import PUBLIC_URL, SmtpServer, drain

pytestmark = pytest.mark.slow


def enqueue(db: Database, n: int, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    with db.write() as conn:
        outbox.enqueue(
            conn,
            [
                NewMail("test", f"r{i}@example.net", f"Sujet {i}", f"Texte {i}", f"<p>{i}</p>")
                for i in range(n)
            ],
            now,
        )


def unsent(db: Database) -> int:
    with db.read() as conn:
        return int(
            conn.execute(select(func.count()).where(outbox_table.c.status != "sent")).scalar_one()
        )


def start_worker(
    tmp: Path, db_url: str, port: int, name: str, *extra: str, **mail: str
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PARVIS_DB": db_url,
        "PARVIS_SECURITY__SECRET_KEY": SECRET,
        "PARVIS_SERVER__PUBLIC_URL": PUBLIC_URL,
        "PARVIS_MAIL__HOST": "127.0.0.1",
        "PARVIS_MAIL__PORT": str(port),
        "PARVIS_MAIL__POLL_INTERVAL": "0.05",
        **{f"PARVIS_MAIL__{k.upper()}": v for k, v in mail.items()},
    }
    env.pop("PARVIS_CONFIG", None)
    log = (tmp / f"{name}.log").open("wb")
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from parvis.cli.main import cli; cli()",
            "worker",
            "--queue",
            "mail",
            "--name",
            name,
            *extra,
        ],
        env=env,
        cwd=tmp,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_until(predicate: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.05)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_at_most_the_one_in_flight(
    db_url: str, smtp: SmtpServer, tmp_path: Path
) -> None:
    n = 40
    db = Database(db_url)
    enqueue(db, n)
    smtp.handler.delay = 0.05  # slow enough to kill it in the middle of a batch
    first = start_worker(tmp_path, db_url, smtp.port, "first", batch_size="10", lease="2")
    try:
        wait_until(lambda: len(smtp.messages) >= 13, 30)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    at_kill = len(smtp.messages)
    assert 0 < at_kill < n
    second = start_worker(tmp_path, db_url, smtp.port, "second", batch_size="10", lease="2")
    try:
        wait_until(lambda: unsent(db) == 0, 40)
    finally:
        stop(second)
    time.sleep(0.1)
    ids = Counter(m["Message-ID"] for m in smtp.messages)
    twice = [i for i, k in ids.items() if k > 1]
    print(
        f"\nCRASH TEST [{db.dialect}]: {n} queued, {at_kill} received before SIGKILL, "
        f"{len(smtp.messages)} received in all, {len(ids)} distinct, sent twice: {twice}"
    )
    db.dispose()
    assert len(ids) == n  # every mail delivered
    assert len(smtp.messages) - n <= 1 and len(twice) <= 1  # only the one in flight again


def test_two_workers_on_postgresql_send_each_of_1000_mails_once(
    pg_url: str, smtp: SmtpServer, tmp_path: Path
) -> None:
    from tests.conftest import _truncate

    _truncate(pg_url)
    n = 1000
    db = Database(pg_url)
    enqueue(db, n)
    started = time.monotonic()
    workers = [start_worker(tmp_path, pg_url, smtp.port, f"w{i}", batch_size="20") for i in (1, 2)]
    try:
        wait_until(lambda: len(smtp.messages) >= n and unsent(db) == 0, 90)
    finally:
        for w in workers:
            stop(w)
    elapsed = time.monotonic() - started
    ids = Counter(m["Message-ID"] for m in smtp.messages)
    outputs = [(tmp_path / f"w{i}.log").read_text() for i in (1, 2)]
    print(
        f"\nTWO WORKERS [postgresql]: {n} queued, {len(smtp.messages)} received, "
        f"{len(ids)} distinct, max copies {max(ids.values())}, {elapsed:.1f}s including start-up; "
        + "; ".join(o.strip().splitlines()[-1] for o in outputs)
    )
    with db.read() as conn:
        by_worker = conn.execute(
            select(func.count()).where(outbox_table.c.status == "sent")
        ).scalar_one()
    db.dispose()
    assert len(ids) == n and len(smtp.messages) == n and by_worker == n
    assert all(" 0 sent" not in o for o in outputs)  # both took part


def test_throughput_of_one_worker(rt: Runtime, smtp: SmtpServer) -> None:
    n = 300
    enqueue(rt.db, n, rt.now())
    started = time.perf_counter()
    stats = drain(rt)
    elapsed = time.perf_counter() - started
    assert stats.sent == n and len(smtp.wait_for(n)) == n
    print(
        f"\nTHROUGHPUT [{rt.db.dialect}]: {n} mails in {elapsed:.2f}s = {n / elapsed:.0f} mails/s"
    )


@pytest.fixture
def settings(db_url: str, smtp: SmtpServer) -> Settings:
    from tests.notify.conftest import mail_settings

    return mail_settings(db_url, smtp.port, batch_size=50)
