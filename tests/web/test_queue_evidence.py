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
    assert "Aucune règle relevée." in html[last:]


def test_queue_filters_by_rule(mod: TestClient) -> None:
    assert len(_ids(mod.get("/mod/queue?rule=insult").text)) == 1
    assert len(_ids(mod.get("/mod/queue?rule=none").text)) == 1
    assert len(_ids(mod.get("/mod/queue?rule=bogus").text)) == 3


def test_approving_every_unflagged_comment_asks_first_then_can_be_taken_back(
    mod: TestClient,
) -> None:
    preview = mod.get("/mod/approve-unflagged")
    assert preview.status_code == 200
    assert re.search(r'data-count="1"', preview.text) and CLEAN[:40] in preview.text
    assert "connard" not in preview.text  # only what would be published
    assert len(_ids(mod.get("/mod/queue").text)) == 3  # looking published nothing
    csrf = re.search(r'name="csrf" value="([^"]+)"', preview.text).group(1)  # type: ignore[union-attr]
    ids = re.findall(r'name="ids" value="(\d+)" checked', preview.text)
    r = mod.post("/mod/approve-unflagged", data={"csrf": csrf, "ids": ids})
    assert r.status_code == 200 and "1 commentaire publié en un lot." in r.text
    assert len(_ids(r.text)) == 2
    assert mod.get("/api/v1/counts", params={"uri": "/a"}).json() == {"counts": {"/a": 1}}
    batch = re.search(r'name="batch" value="([0-9a-f]{16})"', r.text).group(1)  # type: ignore[union-attr]
    undone = mod.post("/mod/undo-batch", data={"csrf": csrf, "batch": batch})
    assert "1 commentaire est de retour dans la file." in undone.text
    assert len(_ids(undone.text)) == 3
    assert mod.get("/api/v1/counts", params={"uri": "/a"}).json() == {"counts": {"/a": 0}}


def test_a_bulk_approval_without_its_list_or_its_form_token_publishes_nothing(
    mod: TestClient,
) -> None:
    html = mod.get("/mod/queue").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    empty = mod.post(
        "/mod/approve-unflagged", data={"csrf": csrf}, headers={"Accept": "application/json"}
    )
    assert empty.status_code == 400 and empty.json()["error"]["field"] == "ids"
    forged = mod.post("/mod/approve-unflagged", data={"ids": _ids(html)})
    assert forged.status_code == 403
    bad = mod.post("/mod/undo-batch", data={"csrf": csrf, "batch": "<script>"})
    assert bad.status_code == 400
    assert mod.get("/api/v1/counts", params={"uri": "/a"}).json() == {"counts": {"/a": 0}}
