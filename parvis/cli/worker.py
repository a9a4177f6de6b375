"""`parvis worker`: send the outbox's mails and run the moderation queue's checks from a
separate process (or several)."""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType

import click

from parvis.cli.context import runtime
from parvis.services import checking, notifications
from parvis.services.background import BackgroundWorker
from parvis.services.delivery import Stats


@click.command()
@click.option("--db", "db_url", default=None, help="Database URL [database.url, PARVIS_DB].")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option("--name", default=None, help="This worker's name in the outbox (default: host:pid).")
@click.option(
    "--queue",
    type=click.Choice(["all", "mail", "checks"]),
    default="all",
    show_default=True,
    help="Which work: the mails, the charter's checks of posted comments, or both.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log every batch.")
@click.pass_context
def worker(
    ctx: click.Context, db_url: str | None, once: bool, name: str | None, queue: str, verbose: bool
) -> None:
    """Send notification mails, with retries, and check posted comments against the
    charter; runs until SIGTERM or Ctrl-C.

    Several workers may run at once on PostgreSQL: each mail and each comment is claimed
    by one of them. Also runs the daily digest, the moderators' alerts and the purge of
    unconfirmed addresses.
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    rt = runtime(ctx, with_engine=queue != "mail", database__url=db_url)
    w = notifications.make_worker(rt, name=name)
    checks = checking.CheckWorker(rt)
    log = logging.getLogger("parvis.worker")

    def _stop(signum: int, frame: FrameType | None) -> None:
        log.info("worker %s: signal %d, finishing the work in flight", w.name, signum)
        w.stop()
        checks.stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    started = time.monotonic()
    log.info("worker %s started (%s, queue %s)", w.name, rt.dialect, queue)
    total = Stats()
    if once:
        if queue != "mail":
            checks.drain()
        total = w.drain() if queue != "checks" else total
    elif queue == "checks":
        checks.run()
    else:
        background = BackgroundWorker(checks, "checks") if queue == "all" else None
        if background:
            background.start()
        total = w.run(on_batch=lambda s: _progress(log, w.name, s))
        if background:
            background.stop()
    elapsed = time.monotonic() - started
    rt.close()
    click.echo(
        f"worker {w.name}: {total.sent} sent, {total.retried} to retry, {total.dead} dead, "
        f"{checks.checked} checked in {elapsed:.1f}s"
    )


def _progress(log: logging.Logger, name: str, stats: Stats) -> None:
    log.info(
        "worker %s: %d sent, %d to retry, %d dead", name, stats.sent, stats.retried, stats.dead
    )
