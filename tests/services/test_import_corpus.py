"""`parvis import`: existing comments in bulk, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import select, text

from parvis.cli.main import cli
from parvis.domain.comment import CommentStatus
from parvis.services import posting, reading
from parvis.services.importing import import_comments
from parvis.services.rendering import render
from parvis.services.runtime import Runtime
from parvis.store.schema import comments, threads

T0 = 1704685717.0


def line(id: int, uri: str, parent: int | None = None, **extra: Any) -> bytes:
    data = {
        "id": id,
        "uri": uri,
        "parent": parent,
        "author": f"Auteur {id}",
        "email": f"a{id}@example.fr",
        "text": f"Commentaire numéro {id}.\n\nDeuxième paragraphe, *important*.",
        "created": T0 + id,
    }
    data.update(extra)
    return json.dumps(data, ensure_ascii=False).encode() + b"\n"


GOOD = [
    line(10, "/a"),
    line(11, "/a", 10),
    line(12, "/a", 11),  # a reply to a reply: its root is 10
    line(13, "/b"),
    line(14, "/a"),
    line(15, "/b", 13),
]


def rows(rt: Runtime) -> dict[str, Any]:
    with rt.db.read() as conn:
        found = conn.execute(
            select(comments, threads.c.uri).join(threads).order_by(comments.c.id)
        ).all()
    return {r.author: r for r in found}


def test_import_keeps_threads_parents_and_roots(rt: Runtime) -> None:
    report = import_comments(rt, GOOD, batch_size=4)
    assert (report.imported, report.skipped, report.threads) == (6, 0, 2)
    by = rows(rt)
    assert {a: r.uri for a, r in by.items()}["Auteur 15"] == "/b"
    assert by["Auteur 11"].parent_id == by["Auteur 10"].id
    assert by["Auteur 12"].parent_id == by["Auteur 11"].id
    assert by["Auteur 12"].root_id == by["Auteur 10"].id
    assert by["Auteur 10"].root_id == by["Auteur 10"].id and by["Auteur 10"].parent_id is None
    assert by["Auteur 15"].root_id == by["Auteur 13"].id
    assert all(r.status == CommentStatus.PUBLISHED.value for r in by.values())
    assert by["Auteur 10"].html == render(by["Auteur 10"].text)
    assert "<em>important</em>" in by["Auteur 10"].html

    page = reading.thread_page(rt, "/a")
    assert page.total == 4
    assert [c.author for c in page.comments] == ["Auteur 14", "Auteur 10"]
    assert [c.author for c in page.comments[1].replies] == ["Auteur 11"]
    assert [c.author for c in page.comments[1].replies[0].replies] == ["Auteur 12"]
    assert reading.counts(rt, ["/a", "/b", "/c"]) == {"/a": 4, "/b": 2, "/c": 0}


def test_bad_lines_are_reported_skipped_and_counted(rt: Runtime) -> None:
    bad: list[tuple[int, str]] = []
    lines = [
        line(1, "/a"),
        b"{not json\n",
        line(2, "/a", text="   "),
        line(3, "/a", 99),  # unknown parent
        line(4, "/b", 1),  # parent in another article
        line(1, "/a"),  # the same id twice
        b"\n",
        line(5, "/a", 1, created="hier"),
        line(6, "/a", "un"),
        line(7, "/a", 1),
    ]
    report = import_comments(rt, lines, on_bad=lambda n, why: bad.append((n, why)))
    assert sorted(n for n, _ in bad) == [2, 3, 4, 5, 6, 8, 9]  # parse errors come first
    assert "parent 99" in dict(bad)[4] and "another article" in dict(bad)[5]
    assert "twice" in dict(bad)[6] and "JSON" in dict(bad)[2]
    assert (report.imported, report.skipped) == (2, 7)
    assert sorted(rows(rt)) == ["Auteur 1", "Auteur 7"]


def test_an_import_into_a_store_in_use_goes_on_with_the_ids(rt: Runtime) -> None:
    first = posting.post_comment(
        rt, posting.CommentInput(uri="/a", author="Avant", text="Premier."), "10.0.0.1"
    )
    import_comments(rt, GOOD, batch_size=2)
    after = posting.post_comment(
        rt, posting.CommentInput(uri="/a", author="Après", text="Dernier."), "10.0.0.2"
    )
    by = rows(rt)
    assert by["Avant"].id == first.id < by["Auteur 10"].id < by["Auteur 15"].id < after.id
    assert reading.counts(rt, ["/a"])["/a"] == 4 + (first.status == CommentStatus.PUBLISHED) + (
        after.status == CommentStatus.PUBLISHED
    )


def test_an_initial_load_rebuilds_the_indexes(rt: Runtime) -> None:
    import_comments(rt, GOOD)
    with rt.db.read() as conn:
        if rt.db.is_sqlite:
            sql = "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='comments'"
        else:
            sql = "SELECT indexname FROM pg_indexes WHERE tablename = 'comments'"
        names = set(conn.execute(text(sql)).scalars())
    assert {"ix_comments_thread_status_id", "ix_comments_root", "ix_comments_status_id"} <= names


def test_the_command_reads_stdin_and_reports_bad_lines(db_url: str, tmp_path: Path) -> None:
    data = b"".join(GOOD[:3]) + b"oops\n" + b"".join(GOOD[3:])
    result = CliRunner().invoke(cli, ["import", "-", "--db", db_url], input=data)
    assert result.exit_code == 0, result.output
    assert "line 4: skipped" in result.output
    assert "imported 6 comments (2 new threads), skipped 1 bad lines" in result.output


def test_the_command_reads_a_file(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(b"".join(GOOD))
    result = CliRunner().invoke(cli, ["import", str(path), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "imported 6 comments" in result.output


def test_help_says_imports_are_published_without_moderation() -> None:
    result = CliRunner().invoke(cli, ["import", "--help"])
    assert "PUBLISHED" in result.output and "already moderated" in result.output
