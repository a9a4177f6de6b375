from __future__ import annotations

import pytest

from parvis.domain.comment import CommentStatus
from parvis.domain.moderator import Moderator, Role
from parvis.errors import Conflict, Invalid, NotFound, Unauthorized
from parvis.services import accounts, moderating, posting
from parvis.services.posting import CommentInput
from parvis.services.runtime import Runtime
from parvis.store import audit


@pytest.fixture
def alice(rt: Runtime) -> Moderator:
    accounts.add_moderator(rt, "alice", Role.MODERATOR, "correct horse")
    return accounts.authenticate(rt, "alice", "correct horse")


def post(rt: Runtime, **kw: object) -> int:
    data = {"uri": "/a", "author": "Marie", "text": "Bonjour."} | kw
    return posting.post_comment(rt, CommentInput(**data), "192.0.2.1").id  # type: ignore[arg-type]


def test_the_queue_lists_pending_oldest_first_with_article_and_parent(
    rt: Runtime, alice: Moderator
) -> None:
    first = post(rt, title="Canicule")
    moderating.decide(rt, alice, first, "approve")
    second, third = post(rt), post(rt, parent=first)
    items, total = moderating.queue(rt)
    assert [i.comment.id for i in items] == [second, third] and total == 2
    assert items[0].thread.title == "Canicule"
    assert items[1].parent is not None and items[1].parent.id == first


def test_each_decision_is_audited_with_who_and_what(rt: Runtime, alice: Moderator) -> None:
    cid = post(rt)
    moderating.decide(rt, alice, cid, "reject", note="hors sujet")
    moderating.decide(rt, alice, cid, "approve")
    with rt.db.read() as conn:
        entries = audit.for_comment(conn, cid)
    assert [(e.moderator, e.action, e.note) for e in entries] == [
        ("alice", "approve", None),
        ("alice", "reject", "hors sujet"),
    ]


def test_a_repeated_decision_changes_nothing(rt: Runtime, alice: Moderator) -> None:
    cid = post(rt)
    moderating.decide(rt, alice, cid, "approve")
    moderating.decide(rt, alice, cid, "approve")
    with rt.db.read() as conn:
        assert len(audit.for_comment(conn, cid)) == 1


def test_a_reply_waits_for_its_parent(rt: Runtime, alice: Moderator) -> None:
    parent = post(rt)
    moderating.decide(rt, alice, parent, "approve")
    reply = post(rt, parent=parent)
    moderating.decide(rt, alice, parent, "reject")
    with pytest.raises(Conflict):
        moderating.decide(rt, alice, reply, "approve")


def test_unknown_action_or_comment(rt: Runtime, alice: Moderator) -> None:
    with pytest.raises(Invalid):
        moderating.decide(rt, alice, post(rt), "publish")
    with pytest.raises(NotFound):
        moderating.decide(rt, alice, 424242, "approve")


def test_approved_comment_is_published(rt: Runtime, alice: Moderator) -> None:
    cid = post(rt)
    assert moderating.decide(rt, alice, cid, "approve").status == CommentStatus.PUBLISHED


def test_passwords_are_hashed_and_checked(rt: Runtime) -> None:
    accounts.add_moderator(rt, "bob", Role.ADMIN, "long enough")
    stored = accounts.list_moderators(rt)[0]
    assert stored.password_hash.startswith("$argon2") and "long enough" not in stored.password_hash
    with pytest.raises(Unauthorized):
        accounts.authenticate(rt, "bob", "wrong password")
    with pytest.raises(Unauthorized):
        accounts.authenticate(rt, "nobody", "long enough")
    with pytest.raises(Invalid):
        accounts.add_moderator(rt, "carol", Role.MODERATOR, "short")


def test_api_tokens_are_replaced_and_stored_hashed(rt: Runtime, alice: Moderator) -> None:
    old = accounts.issue_token(rt, "alice")
    new = accounts.issue_token(rt, "alice")
    assert accounts.moderator_for_token(rt, old) is None
    found = accounts.moderator_for_token(rt, new)
    assert found is not None and found.name == "alice"
    assert accounts.moderator_for_token(rt, "pvs_forged") is None
