from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from parvis.moderation.engine import get_engine
from parvis.services.runtime import Runtime
from parvis.web.app import create_app


@pytest.fixture
def checking_client(rt: Runtime) -> Iterator[TestClient]:
    engine_rt = dataclasses.replace(rt, moderate=get_engine(rt.charter).moderate)
    with TestClient(create_app(engine_rt)) as c:
        yield c


def test_check_names_rules_and_words_like_parvis_moderate(checking_client: TestClient) -> None:
    r = checking_client.post("/api/v1/check", json={"text": "Espèce de connard, tu as ete nul."})
    body = r.json()
    assert r.status_code == 200 and set(body) == {"decision", "flags", "scores"}
    assert set(body["scores"]) == {"legal", "violence", "insult", "language", "spam"}
    insult = next(f for f in body["flags"] if f["rule"] == "insult")
    assert any(e["text"].lower() == "connard" for e in insult["evidence"])


def test_check_refuses_bad_input(checking_client: TestClient) -> None:
    assert checking_client.post("/api/v1/check", json={"text": 3}).status_code == 400
    assert checking_client.post("/api/v1/check", json={"text": "x" * 10001}).status_code == 400


def test_the_form_check_button_shows_mistakes_without_posting(checking_client: TestClient) -> None:
    import re

    page = checking_client.get("/thread", params={"uri": "/a"}).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    r = checking_client.post(
        "/thread/comment",
        data={
            "uri": "/a",
            "csrf": csrf,
            "author": "A",
            "text": "Il a ete explique hier que les enfant sont partit.",
            "check": "1",
        },
    )
    assert r.status_code == 200
    assert 'class="parvis-spell' in r.text and "ete" in r.text and "été" in r.text
    assert checking_client.get("/api/v1/counts", params={"uri": "/a"}).json() == {
        "counts": {"/a": 0}
    }


def test_openapi_documents_the_fixed_routes(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for path in (
        "/api/v1/comments",
        "/api/v1/counts",
        "/api/v1/check",
        "/api/v1/moderation/comments/{id}",
    ):
        assert path in doc["paths"]
    assert "ThreadOut" in doc["components"]["schemas"]
