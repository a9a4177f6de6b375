"""Server-rendered pages: the thread without JavaScript, the home page, the moderators' pages."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from parvis.domain.moderator import Role
from parvis.services import accounts
from parvis.services.demo import load_demo
from parvis.services.runtime import Runtime
from tests.conftest import app_with


@pytest.fixture
def demo(rt: Runtime) -> str:
    return load_demo(rt)


def test_thread_page_shows_the_charter_count_and_numbered_comments(
    client: TestClient, demo: str
) -> None:
    html = client.get("/thread", params={"uri": demo}).text
    assert "aucun message à caractère raciste ou contrevenant à la loi" in html
    assert "ni insultes" in html
    assert "47 commentaires" in html
    assert re.search(r'<article class="parvis-comment" id="(\d+)"', html)
    ids = re.findall(r'id="(\d+)" data-id', html)
    assert all(f'href="#{i}"' in html and f"#{i}</a>" in html for i in ids)
    assert "Répondre à ce message" in html
    assert "Afficher les commentaires précédents" in html
    assert re.search(
        r"\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre"
        r"|décembre) \d{4} à \d\d:\d\d",
        html,
    )


def test_thread_page_in_english(client: TestClient, demo: str) -> None:
    html = client.get("/thread", params={"uri": demo, "lang": "en"}).text
    assert "47 comments" in html and "Reply to this message" in html and "no insults" in html


def test_replies_are_nested_under_their_parent(client: TestClient, demo: str) -> None:
    html = client.get("/thread", params={"uri": demo, "limit": 50}).text
    assert html.count('class="parvis-replies"') >= 5


def test_reply_link_opens_the_form_with_the_parent_set(client: TestClient, demo: str) -> None:
    html = client.get("/thread", params={"uri": demo}).text
    parent = re.search(r'data-reply="(\d+)"', html).group(1)  # type: ignore[union-attr]
    page = client.get("/thread", params={"uri": demo, "reply": parent}).text
    assert f'name="parent" value="{parent}"' in page


def test_earlier_comments_link_leads_to_the_next_page(client: TestClient, demo: str) -> None:
    first = client.get("/thread", params={"uri": demo}).text
    href = re.search(r'class="parvis-more" href="([^"]+)"', first).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
    second = client.get(href).text
    first_ids = set(re.findall(r'id="(\d+)" data-id', first))
    second_ids = set(re.findall(r'id="(\d+)" data-id', second))
    assert second_ids and not first_ids & second_ids


def test_comment_chunk_for_the_widget(client: TestClient, demo: str) -> None:
    first = client.get("/thread", params={"uri": demo, "fragment": "1"}).text
    assert first.lstrip().startswith("<section") and "<html" not in first
    before = re.search(r'data-before="([^"]+)"', first).group(1)  # type: ignore[union-attr]
    chunk = client.get(
        "/thread", params={"uri": demo, "fragment": "comments", "before": before}
    ).text
    assert "parvis-page-chunk" in chunk and "<form" not in chunk


def _form_post(client: TestClient, uri: str, **fields: str):  # type: ignore[no-untyped-def]
    page = client.get("/thread", params={"uri": uri}).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    data = {
        "uri": uri,
        "csrf": csrf,
        "parent": "",
        "author": "Lectrice",
        "email": "",
        "text": "Merci.",
    } | fields
    return client.post("/thread/comment", data=data, follow_redirects=False)


def test_posting_without_javascript_shows_the_pending_notice(client: TestClient) -> None:
    r = _form_post(client, "/article")
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "Votre commentaire est en attente de validation." in page


def test_a_refused_form_comes_back_with_what_was_typed(client: TestClient) -> None:
    r = _form_post(client, "/article", author="", text="Mon long texte <b>gardé</b>")
    assert r.status_code == 400
    assert "Veuillez indiquer un pseudonyme." in r.text
    assert "Mon long texte &lt;b&gt;gardé&lt;/b&gt;" in r.text


def test_the_form_needs_its_csrf_token(client: TestClient) -> None:
    client.get("/thread", params={"uri": "/article"})
    r = client.post(
        "/thread/comment", data={"uri": "/article", "csrf": "forged", "author": "A", "text": "x"}
    )
    assert r.status_code == 403


def test_user_text_is_escaped_everywhere(client: TestClient, rt: Runtime) -> None:
    accounts.add_moderator(rt, "alice", Role.MODERATOR, "correct horse")
    token = accounts.issue_token(rt, "alice")
    evil = '<img src=x onerror=alert(1)>"><script>alert(2)</script>'
    r = client.post(
        "/api/v1/comments", json={"uri": "/x", "author": evil, "text": evil, "title": evil}
    )
    client.post(
        f"/api/v1/moderation/comments/{r.json()['id']}",
        json={"action": "approve"},
        headers={"Authorization": f"Bearer {token}"},
    )
    for page in (client.get("/thread", params={"uri": "/x"}).text, client.get("/").text):
        assert "<script>alert" not in page and "<img src=x" not in page


def test_pages_carry_a_content_security_policy(client: TestClient, demo: str) -> None:
    r = client.get("/thread", params={"uri": demo})
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp
    assert not re.search(r"<script(?![^>]*\bsrc=)", r.text), "no inline script"


def test_home_lists_articles_with_counts(client: TestClient, demo: str) -> None:
    html = client.get("/").text
    assert "Canicule" in html and "47 commentaires" in html and "/thread?uri=" in html


def test_unknown_page_is_a_friendly_404(client: TestClient) -> None:
    r = client.get("/nope")
    assert r.status_code == 404 and "introuvable" in r.text


@pytest.fixture
def moderator_client(client: TestClient, rt: Runtime) -> TestClient:
    accounts.add_moderator(rt, "alice", Role.MODERATOR, "correct horse")
    r = client.post(
        "/mod/login", data={"name": "alice", "password": "correct horse"}, follow_redirects=False
    )
    assert r.status_code == 303 and "parvis_session" in r.headers["set-cookie"]
    return client


def test_moderator_pages_refuse_anonymous_users(client: TestClient) -> None:
    r = client.get("/mod/queue", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/mod/login")
    r = client.post("/mod/decide", data={"ids": "1", "action": "approve"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/mod/login")


def test_login_with_a_wrong_password_fails(client: TestClient, rt: Runtime) -> None:
    accounts.add_moderator(rt, "alice", Role.MODERATOR, "correct horse")
    r = client.post("/mod/login", data={"name": "alice", "password": "wrong"})
    assert (
        r.status_code == 401
        and "incorrect" in r.text
        and "parvis_session" not in r.headers.get("set-cookie", "")
    )


def test_the_queue_shows_pending_comments_with_article_and_parent(
    moderator_client: TestClient, demo: str
) -> None:
    html = moderator_client.get("/mod/queue").text
    assert html.count('class="parvis-queue-item"') == 5
    assert "Canicule" in html


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_bulk_decision_from_the_queue(moderator_client: TestClient, demo: str, rt: Runtime) -> None:
    html = moderator_client.get("/mod/queue").text
    ids = re.findall(r'name="ids" value="(\d+)"', html)
    r = moderator_client.post(
        "/mod/decide",
        data={"csrf": _csrf(html), "ids": ids[:2], "action": "approve"},
        headers={"Accept": "application/json"},
    )
    assert r.json()["done"] == [{"id": int(i), "status": "published"} for i in ids[:2]]
    assert moderator_client.get("/mod/queue").text.count('class="parvis-queue-item"') == 3
    assert "49 commentaires" in moderator_client.get("/thread", params={"uri": demo}).text


def test_decisions_need_the_csrf_token(moderator_client: TestClient, demo: str) -> None:
    html = moderator_client.get("/mod/queue").text
    ids = re.findall(r'name="ids" value="(\d+)"', html)
    r = moderator_client.post(
        "/mod/decide", data={"csrf": "forged", "ids": ids[:1], "action": "approve"}
    )
    assert r.status_code == 403


def test_one_item_button_decides_only_that_item(moderator_client: TestClient, demo: str) -> None:
    html = moderator_client.get("/mod/queue").text
    ids = re.findall(r'name="ids" value="(\d+)"', html)
    r = moderator_client.post(
        f"/mod/decide?one={ids[1]}",
        data={"csrf": _csrf(html), "ids": ids, "action": "reject"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert moderator_client.get("/mod/queue").text.count('class="parvis-queue-item"') == 4


def test_logout_ends_the_session(moderator_client: TestClient) -> None:
    html = moderator_client.get("/mod/queue").text
    moderator_client.post("/mod/logout", data={"csrf": _csrf(html)})
    assert moderator_client.get("/mod/queue", follow_redirects=False).status_code == 303


def test_a_form_included_on_a_publisher_page_is_accepted_from_that_origin(rt: Runtime) -> None:
    app = app_with(rt, cors_origins=["https://www.journal.example"])
    data = {"uri": "/article", "csrf": "", "author": "Lectrice", "text": "Merci."}
    with TestClient(app) as c:  # no cookie: the page was included by the publisher's CMS
        ok = c.post(
            "/thread/comment",
            data=data,
            follow_redirects=False,
            headers={"Origin": "https://www.journal.example"},
        )
        assert ok.status_code == 303
        evil = c.post("/thread/comment", data=data, headers={"Origin": "https://evil.example"})
        assert evil.status_code == 403
        bare = c.post("/thread/comment", data=data)
        assert bare.status_code == 403


def test_without_javascript_the_author_edits_then_deletes_their_comment(client: TestClient) -> None:
    r = _form_post(client, "/article", text="Premier jet.")
    page = client.get(r.headers["location"]).text
    assert "Premier jet." in page and 'action="/thread/edit"' in page
    csrf = _csrf(page)
    comment_id = re.search(r'name="id" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    edited = client.post(
        "/thread/edit",
        data={"uri": "/article", "csrf": csrf, "id": comment_id, "text": "Version corrigée."},
        follow_redirects=False,
    )
    assert edited.status_code == 303
    assert "Version corrigée." in client.get(edited.headers["location"]).text
    gone = client.post(
        "/thread/edit",
        data={"uri": "/article", "csrf": csrf, "id": comment_id, "delete": "1"},
        follow_redirects=False,
    )
    assert "Votre commentaire a été supprimé." in client.get(gone.headers["location"]).text
    again = client.post(
        "/thread/edit", data={"uri": "/article", "csrf": csrf, "id": comment_id, "text": "Encore ?"}
    )
    assert again.status_code == 401


def test_another_readers_comment_cannot_be_edited_without_its_cookie(client: TestClient) -> None:
    r = _form_post(client, "/article", text="À moi.")
    comment_id = re.search(r"posted=(\d+)", r.headers["location"]).group(1)  # type: ignore[union-attr]
    client.cookies.delete(f"parvis_edit_{comment_id}")
    page = client.get(r.headers["location"]).text
    assert 'action="/thread/edit"' not in page
    denied = client.post(
        "/thread/edit",
        data={"uri": "/article", "csrf": _csrf(page), "id": comment_id, "text": "Pirate."},
    )
    assert denied.status_code == 401


def test_undo_from_the_queue_without_javascript(moderator_client: TestClient, demo: str) -> None:
    html = moderator_client.get("/mod/queue").text
    first = re.findall(r'name="ids" value="(\d+)"', html)[0]
    r = moderator_client.post(
        f"/mod/decide?one={first}",
        data={"csrf": _csrf(html), "action": "approve", f"note-{first}": "ok"},
    )
    assert 'action="/mod/undo"' in r.text and "Annuler" in r.text
    back = moderator_client.post("/mod/undo", data={"csrf": _csrf(r.text), "id": first})
    assert f'id="q{first}"' in back.text


def test_queue_filters_and_help_are_on_the_page(moderator_client: TestClient, demo: str) -> None:
    html = moderator_client.get("/mod/queue").text
    assert 'name="author"' in html and 'name="older"' in html and 'id="parvis-help"' in html
    author = re.search(r'class="parvis-author" title="[^"]*">([^<]+)</a>', html).group(1)  # type: ignore[union-attr]
    filtered = moderator_client.get("/mod/queue", params={"author": author}).text
    assert (
        0 < filtered.count('class="parvis-queue-item"') <= html.count('class="parvis-queue-item"')
    )
