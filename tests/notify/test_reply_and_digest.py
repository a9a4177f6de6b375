"""Reply notifications ("Me prévenir des réponses") and the daily digest."""

from __future__ import annotations

import dataclasses
import re

from starlette.testclient import TestClient

from parvis.domain.moderator import Moderator
from parvis.domain.thread import ModerationMode
from parvis.moderation.engine import get_engine
from parvis.services import checking, moderating, notifications, posting
from parvis.services.posting import CommentInput
from parvis.services.runtime import Runtime
from parvis.store import threads
from tests.conftest import Clock
from tests.notify.conftest import SmtpServer, drain, link, local, publish, text_of

AUTHOR = "auteur@example.net"


def test_the_author_who_asked_is_told_of_a_published_reply(
    client: TestClient, rt: Runtime, smtp: SmtpServer, moderator: Moderator
) -> None:
    asked = publish(rt, moderator, email=AUTHOR, notify_replies=True, text="Ma question.")
    silent = publish(rt, moderator, email="discret@example.net", text="Sans alerte.")
    publish(rt, moderator, parent=silent, author="Paul", text="Réponse à discret.")
    publish(rt, moderator, parent=asked, author="Marie", email=AUTHOR, text="Je me réponds.")
    drain(rt)
    assert smtp.messages == []  # no tick: no mail; replying to oneself: no mail
    publish(rt, moderator, parent=asked, author="Paul", text="Voici la réponse.")
    drain(rt)
    (mail,) = smtp.to(AUTHOR)
    assert "Paul" in mail["Subject"] and "Voici la réponse." in text_of(mail)
    # Its one-click link stops the replies to that comment only.
    stop = link(mail, "/unsubscribe")
    assert client.post(stop).status_code == 200
    publish(rt, moderator, parent=asked, author="Zoé", text="Encore une.")
    drain(rt)
    assert len(smtp.to(AUTHOR)) == 1


def test_a_reply_published_at_once_in_post_moderation_notifies_too(
    client: TestClient, rt: Runtime, smtp: SmtpServer, moderator: Moderator
) -> None:
    r = client.post(
        "/api/v1/comments",
        json={
            "uri": "/p",
            "author": "Marie",
            "text": "Question.",
            "email": AUTHOR,
            "notify_replies": True,
        },
    )
    assert r.status_code == 201
    first = r.json()["id"]
    if r.json()["status"] == "pending":
        from parvis.services import moderating

        moderating.decide(rt, moderator, first, "approve")
    with rt.db.write() as conn:
        thread = threads.get_by_uri(conn, "/p")
        assert thread is not None
        threads.set_mode(conn, thread.id, ModerationMode.POST)
    r = client.post(
        "/api/v1/comments",
        json={"uri": "/p", "parent": first, "author": "Paul", "text": "Réponse."},
    )
    assert r.json()["status"] == "published"
    drain(rt)
    assert len(smtp.to(AUTHOR)) == 1


def test_the_daily_digest_collects_the_day_and_goes_out_once_a_day(
    client: TestClient, rt: Runtime, smtp: SmtpServer, moderator: Moderator, clock: Clock
) -> None:
    reader = "digest@example.net"
    client.post("/api/v1/subscriptions", json={"uri": "/a", "email": reader, "mode": "digest"})
    drain(rt)
    confirm = link(smtp.to(reader)[0], "/follow/confirm")
    client.post("/follow/confirm", data={"t": confirm.split("t=", 1)[1]})
    one = publish(rt, moderator, author="Un", text="Premier <b>gras</b>.")
    two = publish(rt, moderator, author="Deux", text="Second.")
    drain(rt)
    assert len(smtp.to(reader)) == 1  # a digest follower gets no immediate mail
    # The worker ran today's digest (18:42 in Paris, past 07:00) when it first started.
    assert notifications.send_digests(rt) == 0
    clock.advance(hours=13)  # 07:42 the next morning
    assert notifications.send_digests(rt) == 1
    drain(rt)
    digest = smtp.to(reader)[-1]
    text = text_of(digest)
    assert "2" in digest["Subject"] and f"#{one}" in text.replace("n°\u00a0", "#")
    assert f"{two}" in text and "Premier <b>gras</b>." in text
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    three = publish(rt, moderator, author="Trois", text="Troisième.")
    assert notifications.send_digests(rt) == 0  # once a day
    clock.advance(days=1)
    assert notifications.send_digests(rt) == 1
    drain(rt)
    last = text_of(smtp.to(reader)[-1])
    assert str(three) in last and "Premier" not in last
    url = re.fullmatch(r"<(.+)>", smtp.to(reader)[-1]["List-Unsubscribe"]).group(1)  # type: ignore[union-attr]
    client.post(local(url))
    publish(rt, moderator, text="Après.")
    clock.advance(days=1)
    assert notifications.send_digests(rt) == 0


def test_the_page_offers_the_reply_box_and_links_its_feed(
    client: TestClient, rt: Runtime, smtp: SmtpServer, moderator: Moderator
) -> None:
    from parvis.store import subscriptions

    page = client.get("/thread", params={"uri": "/a"})
    assert 'name="notify_replies"' in page.text
    assert 'rel="alternate" type="application/atom+xml"' in page.text
    assert 'href="/feed/thread.atom?uri=/a"' in page.text
    assert 'href="/feed/latest.atom"' in client.get("/").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = client.post(
        "/thread/comment",
        data={
            "uri": "/a",
            "author": "Marie",
            "text": "Sans JavaScript.",
            "email": AUTHOR,
            "notify_replies": "1",
            "csrf": csrf,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    posted = int(re.search(r"posted=(\d+)", r.headers["location"]).group(1))  # type: ignore[union-attr]
    with rt.db.read() as conn:
        assert subscriptions.wants_replies(conn, posted)


def test_a_reply_the_checks_publish_is_announced_once(
    rt: Runtime, smtp: SmtpServer, moderator: Moderator
) -> None:
    """Post-moderation with the engine: the moderation queue publishes the reply and tells
    the author; a moderator who then rejects and approves it again sends nothing more."""
    engine_rt = dataclasses.replace(
        rt,
        charter=dataclasses.replace(rt.charter, mode=ModerationMode.POST),
        moderate=get_engine(rt.charter).moderate,
    )
    asked = publish(rt, moderator, email=AUTHOR, notify_replies=True, text="Ma question.")
    reply = posting.post_comment(
        engine_rt,
        CommentInput(
            uri="/a",
            parent=asked,
            author="Paul",
            text="Merci pour votre question, la réponse se trouve dans le rapport de la mairie.",
        ),
        "192.0.2.77",
        trusted=True,
    )
    assert reply.checking
    checking.CheckWorker(engine_rt).drain()
    moderating.decide(engine_rt, moderator, reply.id, "reject")
    moderating.decide(engine_rt, moderator, reply.id, "approve")
    drain(rt)
    (mail,) = smtp.to(AUTHOR)
    assert "Paul" in mail["Subject"]
