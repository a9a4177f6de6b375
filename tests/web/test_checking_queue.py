"""Posting answers at once; the charter's checks follow in the moderation queue, and the
author sees the outcome: through the API (the widget asks again), and on the page."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from parvis.domain.thread import ModerationMode
from parvis.moderation.engine import get_engine
from parvis.services import checking
from parvis.services.runtime import Runtime
from parvis.web.app import create_app

CLEAN = "Merci pour cet article très clair, les villes doivent planter des arbres."
INSULT = "Espèce de connard, tu ne comprends rien."


@pytest.fixture
def held(rt: Runtime) -> Iterator[tuple[TestClient, Runtime]]:
    """The app with the engine, post-moderation; the moderation queue's worker runs when the
    test says (under `parvis serve` it is a process of its own)."""
    engine_rt = dataclasses.replace(
        rt,
        charter=dataclasses.replace(rt.charter, mode=ModerationMode.POST),
        moderate=get_engine(rt.charter).moderate,
    )
    with TestClient(create_app(engine_rt)) as c:
        yield c, engine_rt


def post(c: TestClient, text: str) -> dict[str, object]:
    r = c.post("/api/v1/comments", json={"uri": "/a", "author": "Lecteur", "text": text})
    assert r.status_code == 201
    body: dict[str, object] = r.json()
    return body


def own(c: TestClient, created: dict[str, object]) -> dict[str, object]:
    r = c.get(
        f"/api/v1/comments/{created['id']}",
        headers={"X-Parvis-Edit-Token": str(created["edit_token"])},
    )
    assert r.status_code == 200
    body: dict[str, object] = r.json()
    return body


def test_a_post_answers_pending_and_checking(held: tuple[TestClient, Runtime]) -> None:
    c, _ = held
    created = post(c, CLEAN)
    assert created["status"] == "pending" and created["checking"] is True
    assert own(c, created)["checking"] is True
    assert c.get("/api/v1/counts", params={"uri": "/a"}).json() == {"counts": {"/a": 0}}


def test_once_checked_the_author_sees_the_outcome(held: tuple[TestClient, Runtime]) -> None:
    c, engine_rt = held
    clean, rude = post(c, CLEAN), post(c, INSULT)
    assert checking.CheckWorker(engine_rt).drain() == 2
    assert own(c, clean) | {"html": ""} == {
        "id": clean["id"],
        "status": "published",
        "html": "",
        "checking": False,
    }
    assert own(c, rude)["status"] == "pending"  # insult flagged: a moderator looks first
    listed = c.get("/api/v1/comments", params={"uri": "/a"}).json()
    assert [x["id"] for x in listed["comments"]] == [clean["id"]]


def test_only_the_author_may_ask(held: tuple[TestClient, Runtime]) -> None:
    c, _ = held
    created, other = post(c, CLEAN), post(c, CLEAN)
    c.cookies.clear()
    assert c.get(f"/api/v1/comments/{created['id']}").status_code == 401
    forged = c.get(f"/api/v1/comments/{created['id']}", headers={"X-Parvis-Edit-Token": "x.y"})
    assert forged.status_code == 401
    another = {"X-Parvis-Edit-Token": str(other["edit_token"])}
    assert c.get(f"/api/v1/comments/{created['id']}", headers=another).status_code == 403


def test_the_page_says_the_comment_is_being_checked_then_where_it_went(
    held: tuple[TestClient, Runtime],
) -> None:
    c, engine_rt = held
    page = c.get("/thread", params={"uri": "/a"}).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    r = c.post(
        "/thread/comment",
        data={"uri": "/a", "csrf": csrf, "author": "A", "text": CLEAN},
        follow_redirects=False,
    )
    assert r.status_code == 303
    waiting = c.get(r.headers["location"]).text
    assert "en cours de vérification" in waiting and "Voir le résultat" in waiting
    checking.CheckWorker(engine_rt).drain()
    done = c.get(r.headers["location"]).text
    assert "Votre commentaire est publié." in done and "en cours de vérification" not in done
