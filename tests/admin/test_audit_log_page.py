"""The audit log page: who, when, what, which rule, the note; filters, paging, CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient

from parvis.domain.comment import CommentStatus
from parvis.domain.moderator import Role
from parvis.services import accounts, auditing
from parvis.services.runtime import Runtime
from parvis.store import audit, comments, threads
from parvis.store.comments import NewComment
from parvis.web.pages.audit import safe_cell


def at(day: int, hour: int) -> datetime:
    return datetime(2025, 8, day, hour, tzinfo=UTC)


def _comment(rt: Runtime, thread_id: int, author: str) -> int:
    with rt.db.write() as conn:
        return comments.insert(
            conn,
            NewComment(
                thread_id=thread_id,
                parent_id=None,
                root_id=None,
                author=author,
                email=None,
                text="Texte",
                html="<p>Texte</p>",
                status=CommentStatus.PENDING,
                created=at(1, 8),
                client_hash="c",
            ),
        )


@pytest.fixture
def log(rt: Runtime) -> dict[str, int]:
    alice = accounts.add_moderator(rt, "alice", Role.MODERATOR, "un mot de passe")
    bob = accounts.add_moderator(rt, "bob", Role.ADMIN, "un mot de passe")
    with rt.db.write() as conn:
        heat = threads.get_or_create(conn, "/2025/08/canicule", "Canicule", at(1, 8)).id
        vote = threads.get_or_create(conn, "/2025/08/elections", "Élections", at(1, 8)).id
    c1 = _comment(rt, heat, "Jean")
    c2 = _comment(rt, heat, "=cmd|' /C calc'!A0")
    c3 = _comment(rt, vote, "Marie")
    entries = [
        (at(10, 9), "approve", alice, c1, heat, None, "ok"),
        (at(11, 9), "reject", alice, c2, heat, "insult", '=HYPERLINK("http://x")'),
        (at(12, 9), "auto-reject", None, c3, vote, "insult", "automatique"),
        (at(13, 9), "reject", bob, c3, vote, "language", "+33 6 12"),
        (at(14, 9), "ban", bob, None, None, None, "@pseudo; «guillemets», virgule"),
    ]
    with rt.db.write() as conn:
        for when, action, who, comment_id, thread_id, rule, note in entries:
            audit.record(
                conn,
                at=when,
                action=action,
                moderator_id=who,
                comment_id=comment_id,
                thread_id=thread_id,
                rule=rule,
                note=note,
            )
    return {"alice": alice, "bob": bob, "heat": heat, "vote": vote, "c1": c1, "c3": c3}


@pytest.fixture
def mod(client: TestClient, rt: Runtime) -> TestClient:
    accounts.add_moderator(rt, "claire", Role.MODERATOR, "un mot de passe")
    client.post("/mod/login", data={"name": "claire", "password": "un mot de passe"})
    return client


def _actions(html: str) -> list[str]:
    return re.findall(r'<tr id="a\d+" data-action="([^"]+)"', html)


def test_the_page_shows_who_when_what_rule_note_and_links(
    mod: TestClient, log: dict[str, int]
) -> None:
    html = mod.get("/mod/audit").text
    assert _actions(html) == ["ban", "reject", "auto-reject", "reject", "approve"]
    assert '<em class="parvis-automatic">automatique</em>' in html
    assert "alice" in html and "bob" in html
    assert "12 août 2025 à 11:00" in html  # Paris time
    assert f'href="/thread?uri=%2F2025%2F08%2Fcanicule#{log["c1"]}"' in html
    assert ">Élections</a>" in html and "+33 6 12" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"moderator": "alice"}, ["reject", "approve"]),
        ({"moderator": "auto"}, ["auto-reject"]),
        ({"action": "reject"}, ["reject", "reject"]),
        ({"rule": "insult"}, ["auto-reject", "reject"]),
        ({"rule": "none"}, ["ban", "approve"]),
        ({"since": "2025-08-11", "until": "2025-08-12"}, ["auto-reject", "reject"]),
        ({"article": "vote"}, ["reject", "auto-reject"]),
        ({"article": "/2025/08/canicule"}, ["reject", "approve"]),
        ({"article": "/nowhere"}, []),
        ({"moderator": "bob", "rule": "language"}, ["reject"]),
    ],
)
def test_filters(
    mod: TestClient, log: dict[str, int], params: dict[str, str], expected: list[str]
) -> None:
    names = {"alice": "alice", "bob": "bob", "vote": "vote"}  # replaced by their ids
    values = {k: str(log[v]) if v in names else v for k, v in params.items()}
    html = mod.get("/mod/audit", params=values).text
    assert _actions(html) == expected


def test_a_bad_date_is_refused(mod: TestClient, log: dict[str, int]) -> None:
    assert mod.get("/mod/audit", params={"since": "15/08/2025"}).status_code == 400


def test_keyset_paging_walks_every_entry_once(rt: Runtime, log: dict[str, int]) -> None:
    with rt.db.write() as conn:
        for i in range(7):
            audit.record(conn, at=at(15, i), action="undo", moderator_id=log["alice"])
    where = auditing.build_filter(rt)
    seen, before = [], None
    while True:
        rows, before = auditing.page(rt, where, before, size=5)
        seen += [r.entry.id for r in rows]
        if before is None:
            break
    assert len(seen) == 12 and seen == sorted(seen, reverse=True)
    assert [r.entry.id for r in auditing.every(rt, where, batch=5)] == seen


def test_the_page_links_to_older_entries(mod: TestClient, rt: Runtime, log: dict[str, int]) -> None:
    with rt.db.write() as conn:
        for i in range(55):
            audit.record(conn, at=at(16, 0), action="undo", moderator_id=log["alice"], note=str(i))
    html = mod.get("/mod/audit", params={"moderator": log["alice"]}).text
    assert len(_actions(html)) == 50
    href = re.search(r'href="([^"]+)" class="parvis-next"', html)
    assert href is not None
    older = mod.get(href.group(1).replace("&amp;", "&")).text
    assert _actions(older) == ["undo"] * 5 + ["reject", "approve"]


def _csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_export_with_the_same_filters(mod: TestClient, log: dict[str, int]) -> None:
    r = mod.get("/mod/audit.csv")
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in r.headers["content-disposition"]
    rows = _csv(r.content.decode("utf-8"))
    assert [row["action"] for row in rows] == ["ban", "reject", "auto-reject", "reject", "approve"]
    auto = rows[2]
    assert auto["moderator"] == "automatique" and auto["rule"] == "insult"
    assert auto["article_uri"] == "/2025/08/elections" and auto["article_title"] == "Élections"
    assert rows[0]["note"] == "'@pseudo; «guillemets», virgule"
    assert rows[1]["moderator"] == "bob" and rows[1]["at"] == "2025-08-13T09:00:00+00:00"
    filtered = _csv(mod.get("/mod/audit.csv", params={"rule": "insult"}).text)
    assert [row["action"] for row in filtered] == ["auto-reject", "reject"]


def test_csv_cells_that_a_spreadsheet_would_run_are_defused(
    mod: TestClient, log: dict[str, int]
) -> None:
    rows = _csv(mod.get("/mod/audit.csv", params={"moderator": log["alice"]}).text)
    reject = rows[0]
    assert reject["note"] == '\'=HYPERLINK("http://x")'
    assert reject["comment_author"] == "'=cmd|' /C calc'!A0"
    assert rows[1]["note"] == "ok"
    english = mod.get("/mod/audit.csv", params={"moderator": "auto", "lang": "en"}).text
    assert _csv(english)[0]["moderator"] == "automatic"


def test_csv_for_french_spreadsheets_uses_semicolons(mod: TestClient, log: dict[str, int]) -> None:
    text = mod.get("/mod/audit.csv", params={"sep": "semicolon"}).text
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0]["note"] == "'@pseudo; «guillemets», virgule" and len(rows) == 5


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("a=b", "a=b"),
        (None, ""),
        (12, "12"),
    ],
)
def test_safe_cell(value: object, cell: str) -> None:
    assert safe_cell(value) == cell
