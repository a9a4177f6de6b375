"""Who gets a mail when something happens. Every mail is enqueued in the outbox inside the
transaction of the event that causes it (the `conn` passed in), so it is sent if and only
if the event is committed. The periodic jobs (digest, alerts, purge) run from the worker.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from parvis.domain.comment import Comment, CommentStatus
from parvis.domain.mail import NewMail
from parvis.domain.moderator import AlertKind
from parvis.domain.thread import Thread
from parvis.notify.mail import render
from parvis.services import mails
from parvis.services.delivery import Worker
from parvis.services.runtime import Runtime
from parvis.services.subscriptions import Mode, Scope, purge_unconfirmed, unsubscribe_link
from parvis.store import alerts, comments, outbox, subscriptions, threads

log = logging.getLogger(__name__)


def comment_published(rt: Runtime, conn: Connection, comment_id: int) -> None:
    """A comment became visible: tell its article's followers and the author it answers."""
    comment = comments.get(conn, comment_id)
    if comment is None or comment.status != CommentStatus.PUBLISHED:
        return
    thread = threads.get(conn, comment.thread_id)
    assert thread is not None
    author = (comment.email or "").lower()
    skip = {author} if author else set()
    queued: list[NewMail] = []
    parent = comments.get(conn, comment.parent_id) if comment.parent_id else None
    if (
        parent is not None
        and parent.email
        and parent.status == CommentStatus.PUBLISHED
        and parent.email.lower() not in skip
        and subscriptions.wants_replies(conn, parent.id)
    ):
        lang = rt.settings.site.language
        link = unsubscribe_link(rt, Scope.REPLIES, parent.id)
        queued.append(
            render("reply", parent.email, mails.reply(rt, lang, thread, parent, comment, link))
        )
        skip.add(parent.email.lower())  # one mail is enough: the reply says more
    for sub in subscriptions.followers(conn, thread.id, Mode.IMMEDIATE.value):
        if sub.email.lower() in skip:
            continue
        link = unsubscribe_link(rt, Scope.FOLLOW, sub.id)
        queued.append(
            render("comment", sub.email, mails.new_comment(rt, sub.lang, thread, comment, link))
        )
    subscriptions.add_digest_items(conn, thread.id, comment.id, comment.email)
    outbox.enqueue(conn, queued, rt.now())
    if queued:
        log.info("comment %d published: %d mails queued", comment_id, len(queued))


def report_received(rt: Runtime, conn: Connection, comment_id: int, reason: str) -> None:
    """Hook for the reports feature: call it inside the transaction that stores a report.
    Moderators who chose the "reports" alert get a mail."""
    comment = comments.get(conn, comment_id)
    if comment is None:
        return
    thread = threads.get(conn, comment.thread_id)
    assert thread is not None
    lang = rt.settings.site.language
    queued = [
        render(
            "alert",
            m.email or "",
            mails.report_alert(
                rt,
                lang,
                thread,
                comment,
                reason,
                unsubscribe_link(rt, Scope.ALERT, m.moderator_id, AlertKind.REPORTS.value),
            ),
        )
        for m in alerts.recipients(conn, AlertKind.REPORTS)
    ]
    outbox.enqueue(conn, queued, rt.now())


# The periodic jobs. Each claims its turn in the database, so that with several workers
# each runs once per period.


def housekeeping(rt: Runtime) -> None:
    check_queue(rt)
    send_digests(rt)
    now = rt.now()
    with rt.db.write() as conn:
        due = alerts.claim_job(
            conn, "purge", now, now - _seconds(rt.settings.notify.check_interval)
        )
    if due:
        purged = purge_unconfirmed(rt)
        keep = now - timedelta(days=rt.settings.mail.keep_sent_days)
        with rt.db.write() as conn:
            forgotten = outbox.delete_sent_before(conn, keep)
        if purged or forgotten:
            log.info("purged %d unconfirmed subscriptions, %d old sent mails", purged, forgotten)


def _seconds(n: int) -> timedelta:
    return timedelta(seconds=n)


def check_queue(rt: Runtime) -> int:
    """Alert the moderators who asked when the queue is long or its oldest comment old.
    An alert repeats every notify.alert_repeat while its condition lasts. Returns mails queued."""
    cfg = rt.settings.notify
    now = rt.now()
    queued = 0
    with rt.db.write() as conn:
        if not alerts.claim_job(
            conn, "alerts", now, now - _seconds(cfg.check_interval) + _seconds(1)
        ):
            return 0
        pending, oldest = alerts.pending_state(conn)
        waited = int((now - oldest).total_seconds()) if oldest else 0
        conditions = {
            AlertKind.QUEUE: pending >= cfg.queue_threshold > 0,
            AlertKind.WAIT: oldest is not None and waited >= cfg.queue_max_wait > 0,
        }
        lang = rt.settings.site.language
        for kind, active in conditions.items():
            job = f"alert-{kind.value}"
            if not active:
                alerts.reset_job(conn, job)
                continue
            if not alerts.claim_job(conn, job, now, now - _seconds(cfg.alert_repeat) + _seconds(1)):
                continue
            batch: list[NewMail] = []
            for m in alerts.recipients(conn, kind):
                link = unsubscribe_link(rt, Scope.ALERT, m.moderator_id, kind.value)
                content = (
                    mails.queue_alert(rt, lang, pending, link)
                    if kind == AlertKind.QUEUE
                    else mails.wait_alert(rt, lang, pending, waited // 60, link)
                )
                batch.append(render("alert", m.email or "", content))
            outbox.enqueue(conn, batch, now)
            queued += len(batch)
            log.info("alert %s: %d pending; %d moderators told", kind.value, pending, len(batch))
    return queued


def digest_boundary(rt: Runtime, now: datetime) -> datetime:
    """The latest digest time (notify.digest_hour, local time) at or before `now`."""
    local = now.astimezone(ZoneInfo(rt.settings.site.timezone))
    boundary = local.replace(hour=rt.settings.notify.digest_hour, minute=0, second=0, microsecond=0)
    if boundary > local:
        boundary -= timedelta(days=1)
    return boundary.astimezone(UTC)  # SQLite compares the stored text: always UTC


def send_digests(rt: Runtime) -> int:
    """Once a day: one mail per digest follower with the comments published since the last."""
    now = rt.now()
    sent = 0
    with rt.db.write() as conn:
        if not alerts.claim_job(conn, "digest", now, digest_boundary(rt, now)):
            return 0
        thread_cache: dict[int, Thread] = {}
        batch: list[NewMail] = []
        for subscription_id in subscriptions.digest_subscription_ids(conn, limit=1_000_000):
            sub = subscriptions.get(conn, subscription_id)
            ids = subscriptions.take_digest_items(conn, subscription_id)
            if sub is None:
                continue
            found = comments.get_many(conn, ids)
            items: list[Comment] = [
                found[i] for i in ids if i in found and found[i].status == CommentStatus.PUBLISHED
            ]
            if not items:
                continue
            thread = thread_cache.get(sub.thread_id) or threads.get(conn, sub.thread_id)
            assert thread is not None
            thread_cache[thread.id] = thread
            link = unsubscribe_link(rt, Scope.FOLLOW, sub.id)
            batch.append(
                render("digest", sub.email, mails.digest(rt, sub.lang, thread, items, link))
            )
        outbox.enqueue(conn, batch, now)
        sent = len(batch)
    if sent:
        log.info("daily digest: %d mails queued", sent)
    return sent


def make_worker(rt: Runtime, name: str | None = None) -> Worker:
    """The outbox worker for this runtime, with the periodic jobs above."""
    return Worker(rt.db, rt.settings, rt.now, housekeeping=lambda: housekeeping(rt), name=name)
