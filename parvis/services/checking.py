"""Running the charter's checks: on a posted comment, by the moderation queue's worker, and
before posting (the form's "Vérifier" and POST /api/v1/check).

A posted comment is stored at once, pending, with its check due (`check_after`), in the
posting transaction: the comment row is the durable job. A worker (a thread in each
`parvis serve` process, or `parvis worker`) claims due comments under a lease, runs the
engine outside any transaction, then stores the verdict and the status the charter gives
it. Checking is idempotent: a comment whose lease ran out (its worker died) is simply
checked again, and a comment a moderator decided meanwhile keeps the moderator's status.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy import Connection

from parvis.domain.charter import RejectAction
from parvis.domain.comment import CommentStatus
from parvis.domain.thread import ModerationMode, Thread
from parvis.domain.verdict import CheckContext, Decision, Verdict
from parvis.errors import Invalid
from parvis.services import bans, notifications
from parvis.services.limits import enforce_rate_limit
from parvis.services.runtime import Runtime
from parvis.services.validation import clean_text
from parvis.store import audit, comments, threads

log = logging.getLogger(__name__)

CHECKS_PER_MINUTE = 60  # a debounced widget sends one every second or two while typing
RECENT = 20  # comments compared for copies: the client's last ones and the thread's last ones
AUTOMATIC_NOTE = "charte"


def verdict_for(
    rt: Runtime,
    text: str,
    thread: Thread | None,
    client_hash: str | None = None,
    *,
    before_id: int | None = None,
) -> Verdict | None:
    """The engine's verdict, knowing the article (its names are not spelling mistakes) and,
    for a post, what this client and this thread said before it (copies, posting rate)."""
    if rt.moderate is None:
        return None
    recent: tuple[str, ...] = ()
    rate = 0
    if client_hash or thread:
        now = rt.now()
        with rt.db.read() as conn:
            recent = tuple(
                comments.recent_texts(
                    conn,
                    client_hash,
                    thread.id if thread else None,
                    now - timedelta(days=1),
                    RECENT,
                    before_id,
                )
            )
            if client_hash:
                rate = comments.count_by_client_since(
                    conn, client_hash, now - timedelta(hours=1), before_id
                )
    context = CheckContext(
        title=thread.title if thread else None,
        article_text=thread.text if thread else None,
        recent_texts=recent,
        author_recent_count=rate,
    )
    return rt.moderate(text, context)


def check_text(rt: Runtime, text: str, client_address: str, uri: str | None = None) -> Verdict:
    if rt.moderate is None:
        raise Invalid("the moderation engine is not loaded", code="engine_unavailable")
    text = clean_text(rt, text)
    enforce_rate_limit(rt, f"check:{rt.client_hash(client_address)}", CHECKS_PER_MINUTE, 60)
    thread = None
    if uri:
        with rt.db.read() as conn:
            thread = threads.get_by_uri(conn, uri)
    verdict = verdict_for(rt, text, thread)
    assert verdict is not None
    return verdict


def is_pre_moderated(rt: Runtime, thread: Thread | None) -> bool:
    """The article's mode, or the charter's for an article not created yet."""
    return ((thread.mode if thread else None) or rt.charter.mode) == ModerationMode.PRE


def status_for(
    rt: Runtime, thread: Thread | None, verdict: Verdict | None
) -> tuple[CommentStatus, str | None]:
    """Where a comment goes once checked, per the article's mode and the charter.

    Pre-moderation: pending, unless the charter auto-approves comments with no flag.
    Post-moderation: published, unless a rule is flagged (then a human looks first).
    Either way a rule that reaches `reject` with `on_reject = "refuse"` refuses it.
    No verdict (no engine): the mode alone decides.
    """
    if verdict is None:
        pre = is_pre_moderated(rt, thread)
        return (CommentStatus.PENDING if pre else CommentStatus.PUBLISHED), None
    top = max(verdict.flags, key=lambda f: f.score, default=None)
    if verdict.decision == Decision.REJECT:
        refusing = [
            f
            for f in verdict.flags
            if (r := rt.charter.rule(f.rule))
            and r.reject is not None
            and f.score >= r.reject
            and r.on_reject == RejectAction.REFUSE
        ]
        if refusing:
            return CommentStatus.REJECTED, refusing[0].rule
        return CommentStatus.PENDING, top.rule if top else None
    if verdict.decision == Decision.REVIEW:
        return CommentStatus.PENDING, top.rule if top else None
    if not is_pre_moderated(rt, thread) or rt.charter.auto_approve:
        return CommentStatus.PUBLISHED, None
    return CommentStatus.PENDING, None


def automatic_decision(
    rt: Runtime, thread: Thread, status: CommentStatus, *, checked: bool
) -> str | None:
    """The audit action when the charter, not a person, decided: a refusal, or an approval
    after the checks found nothing (either mode; its row also tells that the followers were
    told). Unchecked, in post-moderation publishing is the normal path: nothing to audit."""
    if status == CommentStatus.REJECTED:
        return "auto-reject"
    if status == CommentStatus.PUBLISHED and (checked or is_pre_moderated(rt, thread)):
        return "auto-approve"
    return None


def settle(rt: Runtime, comment_id: int) -> CommentStatus | None:
    """Check one claimed comment and give it the charter's status. None: nothing to do
    (checked already, deleted, or edited since the claim: the edit's own check follows)."""
    with rt.db.read() as conn:
        comment = comments.get(conn, comment_id)
        if comment is None or not comment.checking:
            return None
        thread = threads.get(conn, comment.thread_id)
    assert thread is not None
    try:
        verdict = verdict_for(
            rt, comment.text, thread, comment.client_hash or None, before_id=comment.id
        )
    except Exception:  # a text the engine chokes on waits for a person, unchecked
        log.exception("the charter's checks failed on comment %d", comment_id)
        verdict = None
        failed = True
    else:
        failed = False
    with rt.db.write() as conn:
        current = comments.get(conn, comment_id)
        if current is None or not current.checking or current.modified != comment.modified:
            return None
        if current.status != CommentStatus.PENDING or failed:
            # a moderator decided while it waited, or the engine failed: keep the status
            comments.finish_check(conn, comment_id, verdict, None)
            return current.status
        status, rule = status_for(rt, thread, verdict)
        if status == CommentStatus.PUBLISHED and bans.held(rt, conn, current):
            status = CommentStatus.PENDING
        comments.finish_check(conn, comment_id, verdict, status)
        record_outcome(rt, conn, thread, comment_id, status, rule, checked=verdict is not None)
    return status


def record_outcome(
    rt: Runtime,
    conn: Connection,
    thread: Thread,
    comment_id: int,
    status: CommentStatus,
    rule: str | None,
    *,
    checked: bool,
) -> None:
    """Where a new comment went without a person: the charter's decision into the audit
    log, and a published comment announced to the article's followers."""
    action = automatic_decision(rt, thread, status, checked=checked)
    if action:
        audit.record(
            conn,
            at=rt.now(),
            action=action,
            comment_id=comment_id,
            thread_id=thread.id,
            rule=rule,
            note=AUTOMATIC_NOTE,
        )
    if status == CommentStatus.PUBLISHED:
        notifications.comment_published(rt, conn, comment_id)


class CheckWorker:
    """Claims due comments in small batches and settles them; when idle, looks again after
    `poll_interval` (a cheap read)."""

    def __init__(self, rt: Runtime, batch: int = 8) -> None:
        self.rt = rt
        self.batch = batch
        self.name = "checks"
        self.checked = 0
        self.stop_event = threading.Event()

    def run_once(self) -> int:
        """Claim one batch and settle it; the number of comments claimed."""
        cfg = self.rt.settings.moderation
        now = self.rt.now()
        with self.rt.db.read() as conn:  # idle most of the time: look before taking a lock
            if not comments.checks_due(conn, now):
                return 0
        with self.rt.db.write() as conn:
            ids = comments.claim_checks(conn, now, timedelta(seconds=cfg.lease), self.batch)
        for comment_id in ids:
            if self.stop_event.is_set():
                break  # the rest is retaken when its lease runs out
            settle(self.rt, comment_id)
            self.checked += 1
        return len(ids)

    def drain(self) -> int:
        """Settle everything due now, then return (`parvis worker --once`, tests)."""
        total = 0
        while not self.stop_event.is_set() and (n := self.run_once()):
            total += n
        return total

    def run(self) -> None:
        while not self.stop_event.is_set():
            try:
                claimed = self.run_once()
            except Exception:  # the database is away: log, wait, try again
                log.exception("moderation queue: batch failed")
                claimed = 0
            if not claimed:
                self.stop_event.wait(self.rt.settings.moderation.poll_interval)

    def stop(self) -> None:
        self.stop_event.set()


def waiting(rt: Runtime) -> int:
    """Comments whose checks have not run yet."""
    with rt.db.read() as conn:
        return comments.count_checks_waiting(conn)
