"""Bans by e-mail hash, pseudonym or client hash (the network fingerprint, only when the
client address is trustworthy), timed or for good; refused or held per the charter; listed
and lifted on /mod/bans by admins, and by moderators when the setting lets them — on SQLite
and PostgreSQL."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import msgspec
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from parvis.domain.ban import BanKind
from parvis.domain.charter import BanAction
from parvis.domain.comment import CommentStatus
from parvis.domain.moderator import Moderator, Role
from parvis.domain.thread import ModerationMode
from parvis.errors import Forbidden, Invalid
from parvis.moderation.charter import check_charter_text, default_charter_text, parse_charter_text
from parvis.services import accounts, bans, posting
from parvis.services.runtime import Runtime
from parvis.store import audit, comments
from parvis.store.schema import bans as bans_table
from parvis.web.app import create_app
from tests.conftest import Clock

URI = "/2025/08/16/orages"
REFUSED = "Votre commentaire n’a pas pu être publié."


@pytest.fixture
def prt(rt: Runtime) -> Runtime:
    rt.charter = dataclasses.replace(rt.charter, mode=ModerationMode.POST)
    return rt


def with_settings(rt: Runtime, section: str, **values: object) -> Runtime:
    part = msgspec.structs.replace(getattr(rt.settings, section), **values)
    rt.settings = msgspec.structs.replace(rt.settings, **{section: part})
    return rt


@pytest.fixture
def proxied(prt: Runtime) -> Runtime:
    """Behind the publisher's proxy, trusted: a client hash is the reader's own address."""
    return with_settings(prt, "server", trusted_proxy=True)


@pytest.fixture
def admin(prt: Runtime) -> Moderator:
    accounts.add_moderator(prt, "ada", Role.ADMIN, "admin password")
    return accounts.authenticate(prt, "ada", "admin password")


def post(
    rt: Runtime, author: str = "Camille", ip: str = "10.0.0.1", email: str | None = None
) -> posting.Posted:
    data = posting.CommentInput(uri=URI, author=author, text="Un avis.", email=email)
    return posting.post_comment(rt, data, ip)


def ban_from(rt: Runtime, admin: Moderator, comment_id: int, kind: BanKind, days: int = 0) -> int:
    return bans.ban(rt, admin, bans.BanRequest(kind, "insultes répétées", days, comment_id)).id


def audit_actions(rt: Runtime) -> list[str]:
    with rt.db.read() as conn:
        return [e.action for e in audit.latest(conn, 20)]


def test_a_ban_by_email_refuses_the_authors_new_comments(prt: Runtime, admin: Moderator) -> None:
    first = post(prt, email="Troll@Example.net")
    ban_id = ban_from(prt, admin, first.id, BanKind.EMAIL)
    with pytest.raises(Forbidden) as refused:
        post(prt, author="Autre nom", ip="10.9.9.9", email="troll@example.net")
    assert refused.value.code == "not_published"
    assert post(prt, author="Autre nom", ip="10.9.9.9", email="ami@example.net").status == (
        CommentStatus.PUBLISHED
    )
    with prt.db.read() as conn:
        row = conn.execute(select(bans_table)).one()
    assert row.id == ban_id and "@" not in row.value and "troll" not in row.value.lower()
    assert "ban" in audit_actions(prt)


def test_a_ban_by_client_hash_refuses_any_pseudonym_from_that_address(
    proxied: Runtime, admin: Moderator
) -> None:
    first = post(proxied, ip="203.0.113.7")
    ban_from(proxied, admin, first.id, BanKind.CLIENT)
    with pytest.raises(Forbidden):
        post(proxied, author="Nouveau", ip="203.0.113.7")
    assert post(proxied, author="Nouveau", ip="203.0.113.8").status == CommentStatus.PUBLISHED


def test_no_ban_by_fingerprint_when_every_reader_may_share_one(
    prt: Runtime, admin: Moderator
) -> None:
    """Without a trusted proxy the client address may be the proxy's: one fingerprint for
    all the readers behind it. Such a ban would refuse them all."""
    first = post(prt, ip="10.0.0.1", email="troll@example.net")
    with pytest.raises(Invalid) as refused:
        ban_from(prt, admin, first.id, BanKind.CLIENT)
    assert refused.value.code == "fingerprint_untrusted"
    form = bans.ban_form(prt, admin, first.id)
    assert [c.kind for c in form.choices] == [BanKind.EMAIL, BanKind.AUTHOR]
    assert post(prt, author="Voisin", ip="10.0.0.1").status == CommentStatus.PUBLISHED


def test_the_ban_form_offers_the_fairest_kind_first_and_counts_what_it_covers(
    proxied: Runtime, admin: Moderator
) -> None:
    proxied.charter = dataclasses.replace(proxied.charter, mode=ModerationMode.PRE)
    troll = post(proxied, author="Troll", ip="203.0.113.30", email="troll@example.net")
    post(proxied, author="Troll", ip="203.0.113.31")  # another connection, same pseudonym
    post(proxied, author="Voisine", ip="203.0.113.30")  # same connection, someone else
    form = bans.ban_form(proxied, admin, troll.id)
    by_kind = {c.kind: c for c in form.choices}
    assert [c.kind for c in form.choices] == [BanKind.EMAIL, BanKind.AUTHOR, BanKind.CLIENT]
    assert (by_kind[BanKind.EMAIL].pending, by_kind[BanKind.AUTHOR].pending) == (1, 2)
    assert (by_kind[BanKind.CLIENT].pending, by_kind[BanKind.CLIENT].shared_by) == (2, 2)
    no_address = post(proxied, author="Anonyme", ip="203.0.113.32")
    assert bans.ban_form(proxied, admin, no_address.id).choices[0].kind == BanKind.AUTHOR


def test_a_ban_can_reject_the_authors_pending_comments_with_it(
    prt: Runtime, admin: Moderator
) -> None:
    prt.charter = dataclasses.replace(prt.charter, mode=ModerationMode.PRE)
    first, second = post(prt, author="Troll"), post(prt, author="troll ", ip="10.0.0.2")
    other = post(prt, author="Camille")
    request = bans.BanRequest(BanKind.AUTHOR, "menaces", 7, first.id, reject_pending=True)
    done = bans.ban(prt, admin, request)
    assert done.rejected == 2
    with prt.db.read() as conn:
        status = {c: comments.get(conn, c).status for c in (first.id, second.id, other.id)}  # type: ignore[union-attr]
        notes = [e.note for e in audit.for_comment(conn, second.id)]
    assert status == {
        first.id: CommentStatus.REJECTED,
        second.id: CommentStatus.REJECTED,
        other.id: CommentStatus.PENDING,
    }
    assert notes == [f"ban #{done.id}"]


def test_a_ban_by_pseudonym_matches_its_normalised_forms(prt: Runtime, admin: Moderator) -> None:
    bans.ban(prt, admin, bans.BanRequest(BanKind.AUTHOR, "usurpation", 0, value="Jean-Pierre"))
    for variant in ("jean pierre", "JEAN_PIERRE", "Jéan-Pierre "):
        with pytest.raises(Forbidden):
            post(prt, author=variant, ip="198.51.100.3")
    assert post(prt, author="Jean-Paul", ip="198.51.100.3").status == CommentStatus.PUBLISHED


def test_a_timed_ban_expires(prt: Runtime, admin: Moderator, clock: Clock) -> None:
    first = post(prt, ip="203.0.113.9")
    ban_from(prt, admin, first.id, BanKind.AUTHOR, days=1)
    clock.advance(hours=23)
    with pytest.raises(Forbidden):
        post(prt, ip="203.0.113.9")
    clock.advance(hours=1, seconds=1)
    assert post(prt, ip="203.0.113.9").status == CommentStatus.PUBLISHED
    assert bans.active_bans(prt, admin) == []


def test_with_hold_a_banned_authors_comments_wait_for_a_moderator(
    prt: Runtime, admin: Moderator
) -> None:
    prt.charter = dataclasses.replace(prt.charter, ban_action=BanAction.HOLD)
    first = post(prt, ip="203.0.113.10")
    ban_from(prt, admin, first.id, BanKind.AUTHOR)
    assert post(prt, ip="203.0.113.10").status == CommentStatus.PENDING
    assert post(prt, author="Dominique", ip="203.0.113.11").status == CommentStatus.PUBLISHED


def test_lifting_a_ban_lets_the_author_post_again_and_is_audited(
    prt: Runtime, admin: Moderator
) -> None:
    first = post(prt, ip="203.0.113.12")
    ban_id = ban_from(prt, admin, first.id, BanKind.AUTHOR)
    bans.lift(prt, admin, ban_id)
    assert post(prt, ip="203.0.113.12").status == CommentStatus.PUBLISHED
    assert audit_actions(prt)[:2] == ["unban", "ban"]
    with prt.db.read() as conn:
        entries = audit.latest(conn, 2)
    assert all(e.moderator == "ada" for e in entries)
    assert entries[1].comment_id == first.id and "insultes répétées" in (entries[1].note or "")


def test_only_admins_ban_unless_the_setting_lets_moderators(prt: Runtime) -> None:
    accounts.add_moderator(prt, "bob", Role.MODERATOR, "moderator password")
    bob = accounts.authenticate(prt, "bob", "moderator password")
    first = post(prt)
    with pytest.raises(Forbidden) as refused:
        ban_from(prt, bob, first.id, BanKind.AUTHOR)
    assert refused.value.code == "ban_not_allowed"
    assert "moderators_may_ban" in refused.value.message
    with pytest.raises(Forbidden):
        bans.active_bans(prt, bob)
    with_settings(prt, "moderation", moderators_may_ban=True)
    ban_id = ban_from(prt, bob, first.id, BanKind.AUTHOR)
    assert [b.id for b in bans.active_bans(prt, bob)] == [ban_id]
    bans.lift(prt, bob, ban_id)


def test_a_ban_needs_a_reason_and_an_offered_duration(prt: Runtime, admin: Moderator) -> None:
    first = post(prt)
    with pytest.raises(Invalid):
        bans.ban(prt, admin, bans.BanRequest(BanKind.AUTHOR, "  ", 0, first.id))
    with pytest.raises(Invalid):
        bans.ban(prt, admin, bans.BanRequest(BanKind.AUTHOR, "raison", 3, first.id))
    with pytest.raises(Invalid):  # no address on that comment
        bans.ban(prt, admin, bans.BanRequest(BanKind.EMAIL, "raison", 0, first.id))


@pytest.fixture
def web(prt: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(prt)) as c:
        yield c


def login(web: TestClient, name: str, password: str) -> None:
    res = web.post("/mod/login", data={"name": name, "password": password})
    assert res.status_code == 200, res.text


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_the_bans_page_refuses_moderators_and_sends_strangers_to_log_in(
    web: TestClient, prt: Runtime
) -> None:
    res = web.get("/mod/bans", follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"].startswith("/mod/login")
    accounts.add_moderator(prt, "bob", Role.MODERATOR, "moderator password")
    login(web, "bob", "moderator password")
    refused = web.get("/mod/bans")
    assert refused.status_code == 403
    assert "Seuls les administrateurs" in refused.text and "moderators_may_ban" in refused.text
    csrf = _csrf(web.get("/mod/reports").text)
    res = web.post(
        "/mod/bans", data={"csrf": csrf, "kind": "author", "value": "x", "reason": "r", "days": "0"}
    )
    assert res.status_code == 403
    assert web.post("/mod/bans/lift", data={"csrf": csrf, "id": "1"}).status_code == 403


def test_an_admin_bans_from_a_queue_item_then_lifts_the_ban(
    web: TestClient, prt: Runtime, admin: Moderator
) -> None:
    prt.charter = dataclasses.replace(prt.charter, mode=ModerationMode.PRE)
    pending = post(prt, author="Troll", ip="203.0.113.20")
    login(web, "ada", "admin password")
    queue = web.get("/mod/queue").text
    link = f'href="/mod/bans?comment={pending.id}"'
    assert link in queue
    page = web.get(f"/mod/bans?comment={pending.id}")
    assert page.status_code == 200 and "Troll" in page.text
    assert 'value="email"' not in page.text  # no address on this comment
    assert 'value="client"' not in page.text  # the address may be the proxy's
    assert re.search(r'value="author" required checked', page.text)
    res = web.post(
        "/mod/bans",
        data={
            "csrf": _csrf(page.text),
            "comment": str(pending.id),
            "kind": "author",
            "days": "7",
            "reason": "Menaces",
            "reject_pending": "1",
        },
    )
    assert res.status_code == 200 and "Bannissements en vigueur" in res.text
    ban_id = int(res.url.params["banned"])
    assert f'id="ban{ban_id}"' in res.text and "Menaces" in res.text
    assert "1 commentaire en attente refusé." in res.text
    with pytest.raises(Forbidden) as refused:
        post(prt, author="troll", ip="203.0.113.21")
    assert refused.value.message == "Your comment could not be published."
    res = web.post("/mod/bans/lift", data={"csrf": _csrf(res.text), "id": str(ban_id)})
    assert res.status_code == 200 and f'id="ban{ban_id}"' not in res.text
    assert audit_actions(prt)[:3] == ["unban", "reject", "ban"]


def test_an_admin_bans_a_pseudonym_typed_on_the_page(
    web: TestClient, prt: Runtime, admin: Moderator
) -> None:
    login(web, "ada", "admin password")
    page = web.get("/mod/bans").text
    bad = web.post(
        "/mod/bans", data={"csrf": _csrf(page), "kind": "author", "value": "Zorro", "days": "0"}
    )
    assert bad.status_code == 400 and "donnez le motif" in bad.text
    web.post(
        "/mod/bans",
        data={
            "csrf": _csrf(page),
            "kind": "author",
            "value": "Zorro",
            "days": "0",
            "reason": "spam",
        },
    )
    res = web.post("/api/v1/comments", json={"uri": URI, "author": "zorro", "text": "Re-bonjour."})
    assert res.status_code == 403
    assert res.json()["error"]["message"] == REFUSED


def test_moderators_see_the_ban_link_only_when_they_may_ban(web: TestClient, prt: Runtime) -> None:
    prt.charter = dataclasses.replace(prt.charter, mode=ModerationMode.PRE)
    post(prt)
    accounts.add_moderator(prt, "bob", Role.MODERATOR, "moderator password")
    login(web, "bob", "moderator password")
    assert "/mod/bans?comment=" not in web.get("/mod/queue").text
    with_settings(prt, "moderation", moderators_may_ban=True)
    with TestClient(create_app(prt)) as allowed:
        login(allowed, "bob", "moderator password")
        queue = allowed.get("/mod/queue").text
        assert "/mod/bans?comment=" in queue and 'href="/mod/bans"' in queue
        assert allowed.get("/mod/bans").status_code == 200


def test_the_charter_sets_the_report_threshold_and_ban_action() -> None:
    default = parse_charter_text(default_charter_text())
    assert default.report_threshold == 3 and default.ban_action == BanAction.REFUSE
    text = default_charter_text().replace("report_threshold = 3", "report_threshold = 5")
    text = text.replace('ban_action = "refuse"', 'ban_action = "hold"')
    custom = parse_charter_text(text)
    assert custom.report_threshold == 5 and custom.ban_action == BanAction.HOLD
    broken = default_charter_text().replace("report_threshold = 3", "report_threshold = 0")
    broken = broken.replace('ban_action = "refuse"', 'ban_action = "hide"')
    problems = [str(p) for p in check_charter_text(broken)]
    assert any("report_threshold" in p for p in problems)
    assert any("ban_action" in p for p in problems)
