"""The fixed interface of DESIGN §6, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from parvis.domain.moderator import Role
from parvis.services import accounts
from parvis.services.runtime import Runtime
from tests.conftest import app_with

URI = "/2025/08/15/canicule"


def post(client: TestClient, **kw: object) -> dict:
    body = {
        "uri": URI,
        "parent": None,
        "author": "Marie",
        "email": "marie@example.org",
        "text": "Très juste.",
    } | kw
    r = client.post("/api/v1/comments", json=body)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
def token(rt: Runtime) -> str:
    accounts.add_moderator(rt, "alice", Role.MODERATOR, "correct horse")
    return accounts.issue_token(rt, "alice")


def approve(client: TestClient, token: str, comment_id: int) -> None:
    r = client.post(
        f"/api/v1/moderation/comments/{comment_id}",
        json={"action": "approve"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200 and r.json() == {"id": comment_id, "status": "published"}


def test_post_read_and_count(client: TestClient, token: str) -> None:
    created = post(client)
    assert created["status"] == "pending" and isinstance(created["id"], int)
    assert client.get("/api/v1/comments", params={"uri": URI}).json()["total"] == 0
    approve(client, token, created["id"])
    reply = post(client, parent=created["id"], text="Je ne suis pas d'accord.")
    approve(client, token, reply["id"])
    body = client.get("/api/v1/comments", params={"uri": URI, "limit": 10}).json()
    assert body["uri"] == URI and body["total"] == 2 and body["next"] is None
    [c] = body["comments"]
    assert set(c) == {"id", "parent", "author", "created", "html", "replies"}
    assert c["id"] == created["id"] and c["parent"] is None and c["html"] == "<p>Très juste.</p>"
    assert c["replies"][0]["id"] == reply["id"] and c["replies"][0]["parent"] == created["id"]
    counts = client.get("/api/v1/counts", params=[("uri", URI), ("uri", "/other")]).json()
    assert counts == {"counts": {URI: 2, "/other": 0}}


def test_email_addresses_never_appear(client: TestClient, token: str) -> None:
    created = post(client, email="cache@example.org")
    approve(client, token, created["id"])
    for response in (
        client.get("/api/v1/comments", params={"uri": URI}),
        client.get("/thread", params={"uri": URI}),
        client.get("/"),
    ):
        assert "cache@example.org" not in response.text


def test_paging_through_the_api(client: TestClient, token: str) -> None:
    ids = [post(client, text=f"Commentaire {i}.")["id"] for i in range(5)]
    for i in ids:
        approve(client, token, i)
    seen, before = [], None
    while True:
        params = {"uri": URI, "limit": 2} | ({"before": before} if before else {})
        body = client.get("/api/v1/comments", params=params).json()
        seen += [c["id"] for c in body["comments"]]
        before = body["next"]
        if before is None:
            break
    assert seen == ids[::-1]


def test_moderation_api_refuses_anonymous_and_bad_tokens(client: TestClient) -> None:
    cid = post(client)["id"]
    url = f"/api/v1/moderation/comments/{cid}"
    assert client.post(url, json={"action": "approve"}).status_code == 401
    r = client.post(url, json={"action": "approve"}, headers={"Authorization": "Bearer pvs_nope"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"


def test_moderation_api_rejects_and_validates(client: TestClient, token: str) -> None:
    cid = post(client)["id"]
    auth = {"Authorization": f"Bearer {token}"}
    r = client.post(
        f"/api/v1/moderation/comments/{cid}", json={"action": "delete-all"}, headers=auth
    )
    assert r.status_code == 400 and r.json()["error"]["field"] == "action"
    r = client.post(f"/api/v1/moderation/comments/{cid}", json={"action": "reject"}, headers=auth)
    assert r.json() == {"id": cid, "status": "rejected"}
    assert (
        client.post(
            "/api/v1/moderation/comments/999999", json={"action": "reject"}, headers=auth
        ).status_code
        == 404
    )


def test_edit_and_delete_with_the_edit_token(client: TestClient) -> None:
    created = post(client)
    header = {"X-Parvis-Edit-Token": created["edit_token"]}
    r = client.put(f"/api/v1/comments/{created['id']}", json={"text": "Corrigé."}, headers=header)
    assert r.status_code == 200 and r.json()["html"] == "<p>Corrigé.</p>"
    other = post(client)
    assert client.delete(f"/api/v1/comments/{other['id']}", headers=header).status_code == 403
    client.cookies.clear()
    assert client.delete(f"/api/v1/comments/{created['id']}").status_code == 401
    assert client.delete(f"/api/v1/comments/{created['id']}", headers=header).status_code == 204


def test_the_edit_cookie_alone_allows_editing(client: TestClient) -> None:
    created = post(client)
    assert (
        client.put(f"/api/v1/comments/{created['id']}", json={"text": "Par cookie."}).status_code
        == 200
    )


# Bad input: a clear 4xx, never a 500, and nothing half-written.


def _error(r, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and {"code", "message", "field"} <= set(body["error"])
    return body["error"]


def test_invalid_json(client: TestClient) -> None:
    r = client.post(
        "/api/v1/comments", content=b'{"uri": "/a", ', headers={"Content-Type": "application/json"}
    )
    assert _error(r, 400)["code"] == "invalid_json"


def test_wrong_types(client: TestClient) -> None:
    for body, field in [
        ({"uri": URI, "author": "A", "text": 42}, "text"),
        ({"uri": URI, "author": ["A"], "text": "x"}, "author"),
        ({"uri": URI, "author": "A", "text": "x", "parent": "12"}, "parent"),
        ({"uri": URI, "author": "A"}, "text"),
        ([1, 2], None),
    ]:
        err = _error(client.post("/api/v1/comments", json=body), 400)
        assert err["field"] == field


def test_huge_body_is_413(client: TestClient) -> None:
    body = b'{"uri": "/a", "author": "A", "text": "' + b"x" * 100_000 + b'"}'
    r = client.post("/api/v1/comments", content=body, headers={"Content-Type": "application/json"})
    assert _error(r, 413)["code"] == "payload_too_large"


def test_huge_chunked_body_is_413(client: TestClient) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(100):
            yield b"x" * 1000

    r = client.post(
        "/api/v1/comments", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert _error(r, 413)["code"] == "payload_too_large"


def test_non_utf8_body(client: TestClient) -> None:
    body = '{"uri": "/a", "author": "A", "text": "été"}'.encode("latin-1")
    r = client.post("/api/v1/comments", content=body, headers={"Content-Type": "application/json"})
    assert _error(r, 400)["code"] == "invalid_encoding"


def test_wrong_content_type_is_415(client: TestClient) -> None:
    r = client.post("/api/v1/comments", data={"uri": "/a", "author": "A", "text": "x"})
    assert _error(r, 415)["code"] == "unsupported_media_type"


def test_unknown_uri_is_an_empty_thread(client: TestClient) -> None:
    r = client.get("/api/v1/comments", params={"uri": "/jamais-vu"})
    assert r.status_code == 200
    assert r.json() == {"uri": "/jamais-vu", "total": 0, "comments": [], "next": None}


def test_tampered_cursor(client: TestClient, token: str) -> None:
    for i in range(3):
        approve(client, token, post(client, text=f"n{i}")["id"])
    cursor = client.get("/api/v1/comments", params={"uri": URI, "limit": 1}).json()["next"]
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    err = _error(client.get("/api/v1/comments", params={"uri": URI, "before": tampered}), 400)
    assert err["field"] == "before"


def test_missing_uri_and_bad_limit(client: TestClient) -> None:
    assert _error(client.get("/api/v1/comments"), 400)["field"] == "uri"
    assert (
        _error(client.get("/api/v1/comments", params={"uri": "/a", "limit": "many"}), 400)["field"]
        == "limit"
    )
    assert _error(client.get("/api/v1/counts"), 400)["field"] == "uri"


def test_nothing_is_written_on_a_refused_post(client: TestClient, rt: Runtime) -> None:
    _error(
        client.post(
            "/api/v1/comments",
            json={"uri": "/new-thread", "author": "A", "text": "x", "parent": 123456},
        ),
        400,
    )
    assert client.get("/api/v1/counts", params={"uri": "/new-thread"}).json() == {
        "counts": {"/new-thread": 0}
    }
    from parvis.store import threads

    with rt.db.read() as conn:
        assert threads.get_by_uri(conn, "/new-thread") is None


def test_error_messages_follow_accept_language(client: TestClient) -> None:
    r = client.post(
        "/api/v1/comments",
        json={"uri": "/a", "author": "", "text": "x"},
        headers={"Accept-Language": "fr-FR,fr;q=0.9"},
    )
    assert _error(r, 400)["message"] == "Veuillez indiquer un pseudonyme."
    r = client.post(
        "/api/v1/comments",
        json={"uri": "/a", "author": "", "text": "x"},
        headers={"Accept-Language": "en"},
    )
    assert _error(r, 400)["message"] == "please give a pseudonym"


def test_rate_limited_post_says_when_to_retry(client: TestClient) -> None:
    statuses = [
        client.post(
            "/api/v1/comments", json={"uri": "/a", "author": "A", "text": f"n{i}"}
        ).status_code
        for i in range(7)
    ]
    assert statuses[:5] == [201] * 5 and statuses[5] == 429
    r = client.post("/api/v1/comments", json={"uri": "/a", "author": "A", "text": "encore"})
    assert int(r.headers["Retry-After"]) > 0


def test_moderator_token_skips_the_rate_limit(client: TestClient, token: str) -> None:
    for i in range(8):
        r = client.post(
            "/api/v1/comments",
            json={"uri": "/a", "author": "A", "text": f"n{i}"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert r.status_code == 201


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_cors_allows_only_configured_origins(rt: Runtime) -> None:
    app = app_with(rt, cors_origins=["https://www.journal.example"])
    with TestClient(app) as c:
        ok = c.options(
            "/api/v1/comments",
            headers={
                "Origin": "https://www.journal.example",
                "Access-Control-Request-Method": "POST",
            },
        )
        assert ok.headers["access-control-allow-origin"] == "https://www.journal.example"
        bad = c.get("/api/v1/counts?uri=/a", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in bad.headers
