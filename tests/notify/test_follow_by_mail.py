"""Following an article, end to end through the HTTP app and a real SMTP server."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from starlette.testclient import TestClient

from parvis.domain.moderator import Moderator
from parvis.services import articles
from parvis.services.runtime import Runtime
from parvis.store.schema import subscriptions
from tests.notify.conftest import (
    PUBLIC_URL,
    SmtpServer,
    drain,
    html_of,
    link,
    local,
    publish,
    text_of,
)

READER = "lea@example.net"


def subscribed(rt: Runtime) -> int:
    with rt.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(subscriptions)).scalar_one())


def follow_and_confirm(client: TestClient, rt: Runtime, smtp: SmtpServer, **body: str) -> str:
    r = client.post("/api/v1/subscriptions", json={"uri": "/a", "email": READER, **body})
    assert r.status_code == 202, r.text
    drain(rt)
    mail = smtp.to(READER)[-1]
    assert "Confirm" in mail["Subject"] or "Confirmez" in mail["Subject"]
    confirm = link(mail, "/follow/confirm")
    page = client.get(confirm)  # opening the link alone subscribes nobody
    assert page.status_code == 200 and 'action="/follow/confirm"' in page.text
    token = confirm.split("t=", 1)[1]
    done = client.post("/follow/confirm", data={"t": token})
    assert done.status_code == 200 and "parvis-follow-done" in done.text
    back = re.search(r'<a href="([^"]+)" class="parvis-back-link"', done.text)
    assert back is not None
    return back.group(1).replace("&amp;", "&")


def test_after_confirming_the_reader_goes_back_to_the_article_not_elsewhere(
    client: TestClient, rt: Runtime, smtp: SmtpServer, moderator: Moderator
) -> None:
    publish(rt, moderator, text="Le premier.")
    # A page elsewhere than the publisher's site is not kept: Parvis's own page instead.
    assert follow_and_confirm(client, rt, smtp, page="javascript:alert(1)") == "/thread?uri=%2Fa"
    page = f"{PUBLIC_URL}/2025/08/15/canicule?from=home#comments"
    back = follow_and_confirm(client, rt, smtp, page=page)
    assert back == f"{PUBLIC_URL}/2025/08/15/canicule?from=home"  # the fragment dropped
    articles.register(rt, "/a", "Canicule", url="https://www.example.org/canicule")
    assert follow_and_confirm(client, rt, smtp, page=page) == "https://www.example.org/canicule"


def test_follow_confirm_notify_and_one_click_unsubscribe(
    client: TestClient, rt: Runtime, smtp: SmtpServer, moderator: Moderator
) -> None:
    publish(rt, moderator, text="Le premier.")
    follow_and_confirm(client, rt, smtp)
    cid = publish(
        rt, moderator, author="Paul", text="Chaleur <script>alert(1)</script> & canicule."
    )
    stats = drain(rt)
    assert stats.sent == 1
    mail = smtp.to(READER)[-1]
    assert mail["Message-ID"].startswith("<outbox-") and mail["Message-ID"].endswith(
        "@comments.example.org>"
    )
    assert "Chaleur <script>alert(1)</script> & canicule." in text_of(mail)
    html = html_of(mail)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert f"{PUBLIC_URL}/thread?uri=%2Fa#{cid}" in html
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(.+)>", mail["List-Unsubscribe"]).group(1)  # type: ignore[union-attr]
    # The mail client's one-click POST: no cookie, no CSRF token, just the signed link.
    client.cookies.clear()
    r = client.post(
        local(url),
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 200 and "parvis-unsubscribed" in r.text
    assert subscribed(rt) == 0
    publish(rt, moderator, text="Personne ne le saura.")
    assert drain(rt).sent == 0
    assert len(smtp.to(READER)) == 2  # the confirmation and one notification
    # Unsubscribing twice is harmless.
    assert client.post(local(url)).status_code == 200


def test_the_form_works_without_javascript(
    client: TestClient, rt: Runtime, smtp: SmtpServer
) -> None:
    page = client.get("/thread", params={"uri": "/a"})
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = client.post(
        "/follow",
        data={"uri": "/a", "email": READER, "mode": "immediate", "csrf": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "follow=sent" in r.headers["location"]
    bad = client.post(
        "/follow",
        data={"uri": "/a", "email": "pas une adresse", "csrf": csrf},
        follow_redirects=False,
    )
    assert "follow=invalid" in bad.headers["location"]
    forged = client.post("/follow", data={"uri": "/a", "email": READER, "csrf": "x"})
    assert forged.status_code == 403
    drain(rt)
    assert len(smtp.to(READER)) == 1


def test_an_unconfirmed_address_gets_nothing_and_is_purged_when_the_link_expires(
    client: TestClient, rt: Runtime, smtp: SmtpServer, moderator: Moderator, clock: object
) -> None:
    from parvis.services import subscriptions as subs

    client.post("/api/v1/subscriptions", json={"uri": "/a", "email": READER})
    drain(rt)
    confirm = link(smtp.to(READER)[0], "/follow/confirm")
    publish(rt, moderator)
    drain(rt)
    assert len(smtp.to(READER)) == 1  # only the confirmation
    clock.advance(seconds=rt.settings.notify.confirm_ttl + 1)  # type: ignore[attr-defined]
    expired = client.get(confirm)
    assert expired.status_code == 400
    assert subs.purge_unconfirmed(rt) == 1 and subscribed(rt) == 0


def test_addresses_never_appear_in_pages_or_api(
    client: TestClient, rt: Runtime, smtp: SmtpServer, moderator: Moderator
) -> None:
    follow_and_confirm(client, rt, smtp)
    publish(rt, moderator, email="auteur@example.net", text="Avec une adresse.")
    for url in ("/thread?uri=/a", "/api/v1/comments?uri=/a", "/feed/thread.atom?uri=/a", "/"):
        body = client.get(url).text
        assert READER not in body and "auteur@example.net" not in body, url


def test_bad_input_gets_a_json_error(client: TestClient) -> None:
    r = client.post("/api/v1/subscriptions", json={"uri": "/a", "email": "x"})
    assert r.status_code == 400 and r.json()["error"]["field"] == "email"
    r = client.post("/api/v1/subscriptions", json={"uri": "/a", "email": READER, "mode": "weekly"})
    assert r.status_code == 400 and r.json()["error"]["field"] == "mode"
    assert client.get("/follow/confirm?t=forged").status_code == 400
    assert client.post("/unsubscribe?t=forged").status_code == 400


def test_the_confirmation_mail_is_in_the_readers_language(
    client: TestClient, rt: Runtime, smtp: SmtpServer
) -> None:
    client.post(
        "/api/v1/subscriptions", json={"uri": "/a", "email": "fr@example.net", "lang": "fr"}
    )
    client.post(
        "/api/v1/subscriptions", json={"uri": "/a", "email": "en@example.net", "lang": "en"}
    )
    drain(rt)
    (fr,) = smtp.to("fr@example.net")
    (en,) = smtp.to("en@example.net")
    assert fr["Subject"].startswith("Confirmez") and en["Subject"].startswith("Confirm:")
    assert fr["Message-ID"] != en["Message-ID"]


def test_asking_twice_keeps_one_subscription_and_a_confirmed_reader_may_switch_to_digest(
    client: TestClient, rt: Runtime, smtp: SmtpServer, moderator: Moderator
) -> None:
    follow_and_confirm(client, rt, smtp)
    client.post(
        "/api/v1/subscriptions", json={"uri": "/a", "email": "lea@EXAMPLE.net", "mode": "digest"}
    )
    assert subscribed(rt) == 1
    drain(rt)
    token = link(smtp.to(READER)[-1], "/follow/confirm").split("t=", 1)[1]
    client.post("/follow/confirm", data={"t": token})
    publish(rt, moderator, text="Pour le résumé.")
    assert drain(rt).sent == 0  # now in the daily digest, not immediate
