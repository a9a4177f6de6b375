"""Article controls: the CMS registers articles; moderators close, reopen, switch modes."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from parvis.domain.moderator import Role
from parvis.services import accounts
from parvis.services.runtime import Runtime
from parvis.store import audit, threads


@pytest.fixture
def token(rt: Runtime) -> str:
    accounts.add_moderator(rt, "alice", Role.MODERATOR, "correct horse")
    return accounts.issue_token(rt, "alice")


def _register(client: TestClient, token: str, **body: object) -> dict:
    r = client.put(
        "/api/v1/threads",
        json={"uri": "/2025/canicule", "title": "Canicule"} | body,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_the_cms_registers_an_article_and_its_title_shows(client: TestClient, token: str) -> None:
    assert _register(client, token, text="Le maire Gwendal Kerbrat…") == {
        "uri": "/2025/canicule",
        "title": "Canicule",
        "closed": False,
        "mode": None,
    }
    _register(client, token, title="Canicule : les villes s'adaptent")
    assert (
        "Canicule : les villes s&#39;adaptent"
        in client.get("/thread", params={"uri": "/2025/canicule"}).text
    )


def test_the_cms_registers_the_articles_public_address(
    client: TestClient, token: str, rt: Runtime
) -> None:
    _register(client, token, url="https://www.example.org/2025/canicule")
    _register(client, token, title="Canicule, suite")  # an address not given is kept
    with rt.db.read() as conn:
        thread = threads.get_by_uri(conn, "/2025/canicule")
    assert thread is not None and thread.url == "https://www.example.org/2025/canicule"
    for bad in ("javascript:alert(1)", "//www.example.org/x", "https://" + "x" * 1100):
        r = client.put(
            "/api/v1/threads",
            json={"uri": "/2025/canicule", "title": "Canicule", "url": bad},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert r.status_code == 400 and r.json()["error"]["field"] == "url", bad


def test_registering_needs_a_token(client: TestClient) -> None:
    r = client.put("/api/v1/threads", json={"uri": "/a", "title": "A"})
    assert r.status_code == 401
    r = client.put(
        "/api/v1/threads",
        json={"uri": "/a", "title": "A"},
        headers={"Authorization": "Bearer pvs_nope"},
    )
    assert r.status_code == 401


def test_registering_validates(client: TestClient, token: str) -> None:
    r = client.put(
        "/api/v1/threads",
        json={"uri": "/a", "title": "  "},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 400 and r.json()["error"]["field"] == "title"


@pytest.fixture
def mod(client: TestClient, rt: Runtime, token: str) -> TestClient:
    _register(client, token)
    client.post("/mod/login", data={"name": "alice", "password": "correct horse"})
    return client


def _change(mod: TestClient, **data: str) -> None:
    page = mod.get("/mod/articles").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    thread_id = re.search(r'<tr id="a(\d+)"', page).group(1)  # type: ignore[union-attr]
    r = mod.post(f"/mod/articles/{thread_id}", data={"csrf": csrf} | data, follow_redirects=False)
    assert r.status_code == 303


def test_close_and_reopen_an_article(mod: TestClient, rt: Runtime) -> None:
    _change(mod, action="close")
    page = mod.get("/thread", params={"uri": "/2025/canicule"}).text
    assert (
        "Les commentaires sont fermés sur cet article." in page
        and '<form class="parvis-form"' not in page
    )
    r = mod.post("/api/v1/comments", json={"uri": "/2025/canicule", "author": "A", "text": "x"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "thread_closed"
    _change(mod, action="reopen")
    assert "parvis-form" in mod.get("/thread", params={"uri": "/2025/canicule"}).text
    with rt.db.read() as conn:
        assert [e.action for e in audit.latest(conn)][:2] == ["reopen", "close"]


def test_switch_an_article_to_post_moderation(mod: TestClient, rt: Runtime) -> None:
    _change(mod, action="mode", mode="post")
    page = mod.get("/thread", params={"uri": "/2025/canicule"}).text
    assert 'data-mode="post"' in page
    r = mod.post(
        "/api/v1/comments", json={"uri": "/2025/canicule", "author": "A", "text": "Bien vu."}
    )
    assert r.json()["status"] == "published"
    _change(mod, action="mode", mode="")
    assert 'data-mode="pre"' in mod.get("/thread", params={"uri": "/2025/canicule"}).text
    with rt.db.read() as conn:
        assert [(e.action, e.note) for e in audit.latest(conn)][:2] == [
            ("mode", "default"),
            ("mode", "post"),
        ]


def test_articles_page_needs_a_moderator(client: TestClient) -> None:
    assert client.get("/mod/articles", follow_redirects=False).status_code == 303
    assert client.post(
        "/mod/articles/1", data={"action": "close"}, follow_redirects=False
    ).status_code in (303, 401)
