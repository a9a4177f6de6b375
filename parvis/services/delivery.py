"""Delivering the outbox: claim a batch under a lease, send, mark each mail sent at once.

At-least-once, and at most one mail twice per crash: a mail is marked sent in its own
transaction right after the SMTP server accepted it, so only the mail in flight when a
worker dies can be sent again, by whichever worker retakes the expired lease. Its
Message-ID is the same both times (derived from the row), so the copy can be recognised.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection

from parvis.config import Settings
from parvis.domain.mail import Mail
from parvis.notify.mail import build_message, message_id
from parvis.notify.smtp import SendError, SmtpSender
from parvis.store import outbox
from parvis.store.db import Database

log = logging.getLogger(__name__)


@dataclass
class Stats:
    sent: int = 0
    retried: int = 0
    dead: int = 0

    def add(self, other: Stats) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.dead += other.dead


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Callable[[], datetime],
        *,
        housekeeping: Callable[[], None] | None = None,
        name: str | None = None,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.db = db
        self.settings = settings
        self.cfg = settings.mail
        self.clock = clock
        self.housekeeping = housekeeping
        self.name = name or worker_name()
        self.rng = rng
        self.stop_event = threading.Event()
        self._accepted: int | None = None  # accepted by the SMTP server, not yet marked sent

    def backoff(self, attempts: int) -> timedelta:
        """Exponential, capped, with jitter so that retries after an outage spread out."""
        base = min(self.cfg.retry_max, self.cfg.retry_base * 2 ** max(0, attempts - 1))
        return timedelta(seconds=base * (0.75 + 0.5 * self.rng()))

    def run_once(self) -> Stats:
        """Claim one batch and try each of its mails. Empty stats: nothing was due."""
        stats = Stats()
        now = self.clock()
        with self.db.read() as conn:
            if not outbox.has_due(conn, now):
                return stats
        with self.db.write() as conn:
            batch = outbox.claim(conn, self.name, self.cfg.batch_size, now, self.cfg.lease)
        if not batch:
            return stats
        log.debug("worker %s claimed %d mails", self.name, len(batch))
        try:
            with SmtpSender(self.cfg) as smtp:
                for index, mail in enumerate(batch):
                    if self.stop_event.is_set():
                        self._give_back(batch[index:])
                        break
                    if not self._deliver(smtp, mail, stats):
                        self._postpone(batch[index + 1 :])
                        break
        finally:
            if self._accepted is not None:
                with self.db.write() as conn:
                    self._mark_accepted(conn, stats)
        return stats

    def _mark_accepted(self, conn: Connection, stats: Stats) -> None:
        """Record the mail the server accepted last. It shares the transaction that starts
        the next attempt: one commit per mail, and still nothing is sent while it is unmarked."""
        if self._accepted is not None:
            public_url = self.settings.server.public_url
            mail_id, self._accepted = self._accepted, None
            outbox.mark_sent(conn, mail_id, message_id(mail_id, public_url), self.clock())
            stats.sent += 1

    def _deliver(self, smtp: SmtpSender, mail: Mail, stats: Stats) -> bool:
        """Send one mail; False when the server itself failed (the batch stops there)."""
        with self.db.write() as conn:
            self._mark_accepted(conn, stats)
            attempts = outbox.start_attempt(conn, mail.id, self.name, self.clock(), self.cfg.lease)
            if attempts is None:
                log.warning("mail %d: lease lost, left to the worker that retook it", mail.id)
                return True
            if attempts > self.cfg.max_attempts:
                outbox.mark_dead(conn, mail.id, mail.last_error or "too many attempts")
                stats.dead += 1
                log.warning("mail %d dead after %d attempts", mail.id, attempts - 1)
                return True
        public_url = self.settings.server.public_url
        try:
            smtp.send(build_message(mail, self.cfg.sender, public_url, self.clock()))
        except SendError as exc:
            with self.db.write() as conn:
                if exc.permanent or attempts >= self.cfg.max_attempts:
                    outbox.mark_dead(conn, mail.id, str(exc))
                    stats.dead += 1
                    log.warning("mail %d dead (attempt %d): %s", mail.id, attempts, exc)
                else:
                    when = self.clock() + self.backoff(attempts)
                    outbox.retry_later(conn, mail.id, when, str(exc))
                    stats.retried += 1
                    log.info(
                        "mail %d: attempt %d failed (%s); retry at %s",
                        mail.id,
                        attempts,
                        exc,
                        when.isoformat(timespec="seconds"),
                    )
            return not exc.connection
        self._accepted = mail.id  # marked sent in the next transaction, before anything else
        return True

    def _postpone(self, rest: list[Mail]) -> None:
        """The server is down: the rest of the batch waits as long as the failed mail."""
        if rest:
            when = self.clock() + self.backoff(1)
            with self.db.write() as conn:
                outbox.postpone(conn, [m.id for m in rest], self.name, when)

    def _give_back(self, rest: list[Mail]) -> None:
        with self.db.write() as conn:
            outbox.release(conn, [m.id for m in rest], self.name)

    def drain(self) -> Stats:
        """Send everything due now, then return (`parvis worker --once`)."""
        total = Stats()
        self._housekeep()
        while not self.stop_event.is_set():
            stats = self.run_once()
            total.add(stats)
            if not (stats.sent or stats.retried or stats.dead):
                break
        return total

    def run(self, on_batch: Callable[[Stats], None] | None = None) -> Stats:
        """Until stop(): send what is due, run the periodic jobs, sleep when idle."""
        total = Stats()
        next_housekeeping = 0.0
        while not self.stop_event.is_set():
            if time.monotonic() >= next_housekeeping:
                self._housekeep()
                next_housekeeping = time.monotonic() + min(
                    60.0, max(1.0, float(self.settings.notify.check_interval))
                )
            try:
                stats = self.run_once()
            except Exception:  # the database is away: log, wait, try again
                log.exception("worker %s: batch failed", self.name)
                self.stop_event.wait(self.cfg.poll_interval)
                continue
            total.add(stats)
            if stats.sent or stats.retried or stats.dead:
                if on_batch:
                    on_batch(stats)
            else:
                self.stop_event.wait(self.cfg.poll_interval)
        return total

    def _housekeep(self) -> None:
        if self.housekeeping is None:
            return
        try:
            self.housekeeping()
        except Exception:
            log.exception("worker %s: periodic jobs failed", self.name)

    def stop(self) -> None:
        self.stop_event.set()
