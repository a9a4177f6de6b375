"""The moderators' queue shows the engine's evidence: rules, scores, highlighted words."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from parvis.domain.moderator import Role
from parvis.moderation.engine import get_engine
from parvis.services import accounts, checking
from parvis.services.runtime import Runtime
from parvis.web.app import create_app

CLEAN = "Merci pour cet article très clair, les villes doivent planter des arbres."
INSULT = "Espèce de connard, tu ne comprends rien."
SPELLING = "Il a ete explique que les enfant sont partit trop tot."


@pytest.fixture
def mod(rt: Runtime) -> Iterator[TestClient]:
    engine_rt = dataclasses.replace(rt, moderate=get_engine(rt.charter).moderate)
    accounts.add_moderator(engine_rt, "alice", Role.MODERATOR, "correct horse")
    with TestClient(create_app(engine_rt)) as c:
        for text in (CLEAN, INSULT, SPELLING):
            r = c.post("/api/v1/comments", json={"uri": "/a", "author": "Lecteur", "text": text})
            assert r.status_code == 201 and r.json()["checking"]
        checking.CheckWorker(engine_rt).drain()  # the moderation queue's work
        c.post("/mod/login", data={"name": "alice", "password": "correct horse"})
        yield c


def _ids(html: str) -> list[str]:
    return re.findall(r'class="parvis-queue-item" id="q(\d+)"', html)


def test_queue_is_ordered_by_risk_with_evidence(mod: TestClient) -> None:
    html = mod.get("/mod/queue").text
    assert len(_ids(html)) == 3
    assert 'data-rule="insult"' in html and 'data-rule="language"' in html
    assert re.search(
        r'<mark class="parvis-flag parvis-rule-insult"[^>]*>connard</mark>', html, re.I
    )
    spell = re.search(
        r'<mark class="parvis-spell parvis-rule-language"[^>]*title="([^"]*)">ete</mark>', html
    )
    assert spell and "été" in spell.group(1)
    last = html.rfind('class="parvis-queue-item"')
    assert "Aucune règle signalée." in html[last:]


def test_queue_filters_by_rule(mod: TestClient) -> None:
    assert len(_ids(mod.get("/mod/queue?rule=insult").text)) == 1
    assert len(_ids(mod.get("/mod/queue?rule=none").text)) == 1
    assert len(_ids(mod.get("/mod/queue?rule=bogus").text)) == 3


def test_approve_every_unflagged_comment_from_the_queue(mod: TestClient) -> None:
    html = mod.get("/mod/queue").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    r = mod.post(
        "/mod/approve-unflagged", data={"csrf": csrf}, headers={"Accept": "application/json"}
    )
    assert r.json() == {"approved": 1, "skipped": 0}
    assert len(_ids(mod.get("/mod/queue").text)) == 2
    assert mod.get("/api/v1/counts", params={"uri": "/a"}).json() == {"counts": {"/a": 1}}
