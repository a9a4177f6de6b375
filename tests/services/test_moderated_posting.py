"""The moderation engine inside the server: a posted comment waits in the moderation queue,
a worker stores its verdict and the status the charter gives it, the charter's automatic
decisions are audited, the queue is ordered by risk and filtered by rule."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from parvis.domain.ban import BanKind
from parvis.domain.charter import BanAction, Charter, RejectAction
from parvis.domain.comment import Comment, CommentStatus
from parvis.domain.moderator import Role
from parvis.domain.queue import QueueFilter, QueueOrder
from parvis.domain.thread import ModerationMode
from parvis.domain.verdict import CheckContext, Decision, Verdict
from parvis.errors import Conflict, Invalid
from parvis.moderation.engine import get_engine
from parvis.services import accounts, bans, checking, moderating, posting, reporting
from parvis.services.posting import CommentInput
from parvis.services.runtime import Runtime
from parvis.store import audit, comments, threads
from tests.conftest import Clock

CLEAN = "Merci pour cet article très clair sur la canicule, les villes doivent planter des arbres."
INSULT = "Espèce de connard, tu ne comprends rien à rien."
SPELLING = "Il a ete explique que les enfant sont partit trop tot a la maison."
CALM = (
    "Les maires ont raison d'ouvrir les gymnases la nuit pendant la canicule.",
    "Je me demande combien coûtent ces climatiseurs pour les écoles de la ville.",
    "Merci pour ce reportage, les témoignages des soignants sont très justes.",
)


def with_charter(rt: Runtime, charter: Charter) -> Runtime:
    return dataclasses.replace(rt, charter=charter, moderate=get_engine(charter).moderate)


@pytest.fixture
def mrt(rt: Runtime) -> Runtime:
    return with_charter(rt, rt.charter)


def post(rt: Runtime, text: str, **kw: object) -> posting.Posted:
    data = {"uri": "/a", "author": "Lecteur", "text": text} | kw
    return posting.post_comment(rt, CommentInput(**data), "192.0.2.9", trusted=True)  # type: ignore[arg-type]


def checked(rt: Runtime, *posted: posting.Posted) -> list[Comment]:
    """Run the moderation queue's worker until it is empty; the comments as stored."""
    checking.CheckWorker(rt).drain()
    with rt.db.read() as conn:
        found = [comments.get(conn, p.id) for p in posted]
    assert all(c is not None and not c.checking for c in found)
    return found  # type: ignore[return-value]


def test_a_posted_comment_waits_for_its_check_then_gets_its_verdict(mrt: Runtime) -> None:
    posted = post(mrt, INSULT)
    assert posted.status == CommentStatus.PENDING and posted.checking
    with mrt.db.read() as conn:
        waiting = comments.get(conn, posted.id)
    assert waiting is not None and waiting.checking and waiting.verdict is None
    assert checking.waiting(mrt) == 1
    [stored] = checked(mrt, posted)
    assert stored.verdict is not None
    assert "insult" in [f.rule for f in stored.verdict.flags]
    assert stored.risk >= 0.5 and stored.status == CommentStatus.PENDING
    assert checking.waiting(mrt) == 0


def test_nothing_is_published_before_its_check(mrt: Runtime) -> None:
    open_mode = with_charter(mrt, dataclasses.replace(mrt.charter, mode=ModerationMode.POST))
    posted = post(open_mode, CLEAN)
    assert posted.status == CommentStatus.PENDING
    with open_mode.db.read() as conn:
        assert threads.published_counts_by_uri(conn, ["/a"]) == {"/a": 0}
    [stored] = checked(open_mode, posted)
    assert stored.status == CommentStatus.PUBLISHED  # post-moderation, nothing flagged


def test_auto_approval_publishes_clean_comments_and_audits_it(mrt: Runtime) -> None:
    auto = with_charter(mrt, dataclasses.replace(mrt.charter, auto_approve=True))
    clean, rude = checked(auto, post(auto, CLEAN), post(auto, INSULT))
    assert clean.status == CommentStatus.PUBLISHED and rude.status == CommentStatus.PENDING
    with auto.db.read() as conn:
        [entry] = audit.for_comment(conn, clean.id)
        assert audit.for_comment(conn, rude.id) == []
    assert entry.action == "auto-approve" and entry.moderator is None


def test_without_auto_approval_clean_comments_still_wait(mrt: Runtime) -> None:
    [stored] = checked(mrt, post(mrt, CLEAN))
    assert stored.status == CommentStatus.PENDING and stored.verdict is not None


def test_refusing_rule_rejects_without_a_human_and_audits_it(mrt: Runtime) -> None:
    rules = tuple(
        dataclasses.replace(r, reject=0.9, on_reject=RejectAction.REFUSE) if r.id == "insult" else r
        for r in mrt.charter.rules
    )
    strict = with_charter(mrt, dataclasses.replace(mrt.charter, rules=rules))
    [posted] = checked(strict, post(strict, INSULT))
    assert posted.status == CommentStatus.REJECTED and posted.verdict is not None
    assert posted.verdict.decision == Decision.REJECT
    with strict.db.read() as conn:
        [entry] = audit.for_comment(conn, posted.id)
    assert (entry.action, entry.rule, entry.moderator) == ("auto-reject", "insult", None)


def test_holding_rule_keeps_a_rejectable_comment_for_a_human(mrt: Runtime) -> None:
    [posted] = checked(mrt, post(mrt, INSULT))  # the default charter holds instead of refusing
    assert posted.status == CommentStatus.PENDING


def test_the_queue_puts_the_riskiest_first_and_filters_by_rule(mrt: Runtime) -> None:
    clean, rude, misspelt = checked(mrt, post(mrt, CLEAN), post(mrt, INSULT), post(mrt, SPELLING))
    items, total = moderating.queue(mrt)
    assert total == 3 and items[-1].comment.id == clean.id
    assert {items[0].comment.id, items[1].comment.id} == {rude.id, misspelt.id}
    only_insults, n = moderating.queue(mrt, where=QueueFilter(rule="insult"))
    assert [i.comment.id for i in only_insults] == [rude.id] and n == 1
    unflagged, _ = moderating.queue(mrt, where=QueueFilter(rule="none"))
    assert [i.comment.id for i in unflagged] == [clean.id]
    oldest, _ = moderating.queue(mrt, order=QueueOrder.OLDEST)
    assert [i.comment.id for i in oldest] == [clean.id, rude.id, misspelt.id]


def test_approving_every_comment_with_no_flag_publishes_what_was_previewed(
    mrt: Runtime,
) -> None:
    accounts.add_moderator(mrt, "alice", Role.MODERATOR, "correct horse")
    alice = accounts.authenticate(mrt, "alice", "correct horse")
    clean = [post(mrt, text) for text in (CLEAN, *CALM[:2])]
    rude = post(mrt, INSULT)
    assert moderating.unflagged(mrt) == ([], 0)  # not checked yet
    checked(mrt, *clean, rude)
    items, total = moderating.unflagged(mrt)
    assert [i.comment.id for i in items] == [c.id for c in clean] and total == 3
    done = moderating.approve_batch(mrt, alice, [i.comment.id for i in items] + [rude.id])
    assert (done.approved, done.skipped) == (3, 1)  # the insult was not offered: left alone
    assert done.undo_until is not None
    with mrt.db.read() as conn:
        assert all(comments.get(conn, c.id).status == CommentStatus.PUBLISHED for c in clean)  # type: ignore[union-attr]
        assert comments.get(conn, rude.id).status == CommentStatus.PENDING  # type: ignore[union-attr]
        [entry] = audit.for_comment(conn, clean[0].id)
    assert (entry.moderator, entry.action, entry.batch) == ("alice", "approve", done.id)


def test_a_bulk_approval_leaves_reported_comments_and_needs_a_choice(mrt: Runtime) -> None:
    accounts.add_moderator(mrt, "alice", Role.MODERATOR, "correct horse")
    alice = accounts.authenticate(mrt, "alice", "correct horse")
    clean, other = checked(mrt, post(mrt, CALM[0]), post(mrt, CALM[1]))
    moderating.decide(mrt, alice, other.id, "approve")
    for n in range(mrt.charter.report_threshold):  # readers hide it until someone looks
        reader = reporting.ReportInput("/a", other.id, "insult")
        reporting.report(mrt, reader, f"cookie-{n}-0000000000", f"192.0.2.{n + 20}")
    items, total = moderating.unflagged(mrt)
    assert [i.comment.id for i in items] == [clean.id] and total == 1
    assert moderating.approve_batch(mrt, alice, [clean.id, other.id]).approved == 1
    with pytest.raises(Invalid):
        moderating.approve_batch(mrt, alice, [])


def test_a_whole_batch_is_taken_back_but_not_what_others_decided_since(
    mrt: Runtime, clock: Clock
) -> None:
    for name in ("alice", "bruno"):
        accounts.add_moderator(mrt, name, Role.MODERATOR, "correct horse")
    alice = accounts.authenticate(mrt, "alice", "correct horse")
    bruno = accounts.authenticate(mrt, "bruno", "correct horse")
    a, b, c = checked(mrt, *(post(mrt, text) for text in CALM))
    done = moderating.approve_batch(mrt, alice, [a.id, b.id, c.id])
    moderating.decide(mrt, bruno, b.id, "reject")  # bruno read b again and removed it
    with pytest.raises(Conflict):
        moderating.undo_batch(mrt, bruno, done.id)  # not his batch
    assert moderating.batch(mrt, alice, done.id).undo_until is not None
    clock.advance(seconds=60)
    assert moderating.undo_batch(mrt, alice, done.id) == 2
    with mrt.db.read() as conn:
        status = {i: comments.get(conn, i).status for i in (a.id, b.id, c.id)}  # type: ignore[union-attr]
    assert status == {
        a.id: CommentStatus.PENDING,
        b.id: CommentStatus.REJECTED,
        c.id: CommentStatus.PENDING,
    }
    assert moderating.batch(mrt, alice, done.id).undo_until is None  # nothing left to undo


def test_a_batch_can_no_longer_be_taken_back_after_its_time(mrt: Runtime, clock: Clock) -> None:
    accounts.add_moderator(mrt, "alice", Role.MODERATOR, "correct horse")
    alice = accounts.authenticate(mrt, "alice", "correct horse")
    [a] = checked(mrt, post(mrt, CLEAN))
    done = moderating.approve_batch(mrt, alice, [a.id])
    clock.advance(seconds=mrt.settings.moderation.bulk_undo_seconds + 1)
    assert moderating.batch(mrt, alice, done.id).undo_until is None
    with pytest.raises(Conflict):
        moderating.undo_batch(mrt, alice, done.id)


def test_unchecked_comments_are_not_approved_as_unflagged(rt: Runtime) -> None:
    accounts.add_moderator(rt, "alice", Role.MODERATOR, "correct horse")
    posted = post(rt, CLEAN)  # no engine: no verdict
    alice = accounts.authenticate(rt, "alice", "correct horse")
    assert moderating.unflagged(rt) == ([], 0)
    assert moderating.approve_batch(rt, alice, [posted.id]).approved == 0


def test_checking_before_posting_names_the_rule_and_the_words(mrt: Runtime) -> None:
    verdict = checking.check_text(mrt, SPELLING, "192.0.2.10")
    [flag] = [f for f in verdict.flags if f.rule == "language"]
    words = {e.text for e in flag.evidence}
    assert "ete" in words and any(e.suggestions for e in flag.evidence)
    assert checking.check_text(mrt, CLEAN, "192.0.2.10").flags == ()


def test_article_names_are_not_spelling_mistakes(mrt: Runtime) -> None:
    posting.post_comment(
        mrt,
        CommentInput(uri="/b", author="A", text=CLEAN, title="Le maire Gwendal Kerbrat"),
        "192.0.2.9",
        trusted=True,
    )
    text = "Je soutiens le maire Kerbrat dans sa décision."
    assert checking.check_text(mrt, text, "192.0.2.11", uri="/b").scores["language"] < 0.5


def test_a_copy_of_the_clients_recent_comment_is_flagged_as_spam(mrt: Runtime) -> None:
    text = "Achetez maintenant, offre exceptionnelle sur notre site, ne ratez pas cette promotion."
    first, again = checked(mrt, post(mrt, text, uri="/x"), post(mrt, text, uri="/y"))
    assert again.verdict is not None and first.verdict is not None
    assert again.verdict.scores["spam"] > first.verdict.scores["spam"]
    assert "spam" in [f.rule for f in again.verdict.flags]


def test_a_moderators_decision_before_the_check_is_kept(mrt: Runtime) -> None:
    accounts.add_moderator(mrt, "alice", Role.MODERATOR, "correct horse")
    alice = accounts.authenticate(mrt, "alice", "correct horse")
    posted = post(mrt, INSULT)
    moderating.decide(mrt, alice, posted.id, "approve")
    [stored] = checked(mrt, posted)
    assert stored.status == CommentStatus.PUBLISHED  # alice decided; the verdict is kept
    assert stored.verdict is not None and "insult" in [f.rule for f in stored.verdict.flags]


def test_a_dead_workers_comments_are_checked_once_its_lease_runs_out(
    mrt: Runtime, clock: Clock
) -> None:
    posted = post(mrt, INSULT)
    with mrt.db.write() as conn:  # a worker claims it, then dies
        assert comments.claim_checks(conn, clock(), timedelta(seconds=60), 10) == [posted.id]
    assert checking.CheckWorker(mrt).drain() == 0  # still leased
    clock.advance(seconds=61)
    [stored] = checked(mrt, posted)
    assert stored.verdict is not None and stored.status == CommentStatus.PENDING


def test_an_edited_comment_is_checked_again(mrt: Runtime) -> None:
    open_mode = with_charter(mrt, dataclasses.replace(mrt.charter, mode=ModerationMode.POST))
    posted = post(open_mode, CLEAN)
    assert checked(open_mode, posted)[0].status == CommentStatus.PUBLISHED
    edited = posting.edit_comment(open_mode, posted.id, posted.edit_token, INSULT)
    assert edited.status == CommentStatus.PENDING and edited.checking
    [stored] = checked(open_mode, posted)
    assert stored.status == CommentStatus.PENDING
    assert stored.verdict is not None and "insult" in [f.rule for f in stored.verdict.flags]


def test_a_held_author_stays_pending_even_when_the_checks_pass(mrt: Runtime) -> None:
    holding = with_charter(
        mrt,
        dataclasses.replace(mrt.charter, mode=ModerationMode.POST, ban_action=BanAction.HOLD),
    )
    accounts.add_moderator(holding, "root", Role.ADMIN, "correct horse")
    admin = accounts.authenticate(holding, "root", "correct horse")
    bans.ban(holding, admin, bans.BanRequest(BanKind.AUTHOR, "usurpation", 0, value="Lecteur"))
    [stored] = checked(holding, post(holding, CLEAN))
    assert stored.status == CommentStatus.PENDING and stored.verdict is not None


def test_a_text_the_engine_fails_on_waits_for_a_person(rt: Runtime) -> None:
    def broken(text: str, context: CheckContext) -> Verdict:
        raise RuntimeError("engine failure")

    failing = dataclasses.replace(rt, moderate=broken)
    [stored] = checked(failing, post(failing, CLEAN))
    assert stored.status == CommentStatus.PENDING and stored.verdict is None
