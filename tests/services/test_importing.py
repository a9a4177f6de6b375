"""Importing in bulk: links, order of the reports, cleaning, and the initial load's
all-or-nothing, on SQLite and PostgreSQL (tests/services/test_import_corpus.py has the basics)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, text

from parvis.services import posting
from parvis.services.importing import ImportReport, import_comments
from parvis.services.rendering import render_markdown
from parvis.services.runtime import Runtime
from parvis.store.schema import comments, threads
from tests.services.test_import_corpus import line as corpus_line


def line(id: int, uri: str = "/a", parent: int | None = None, **extra: Any) -> bytes:
    """A corpus line with plain text (the bench tests' lines carry markdown)."""
    return corpus_line(id, uri, parent, **{"text": f"Commentaire {id}.", **extra})


def stored(rt: Runtime) -> dict[str, Any]:
    """Rows by author, with their thread's uri."""
    with rt.db.read() as conn:
        found = conn.execute(select(comments, threads.c.uri).join(threads)).all()
    return {r.author: r for r in found}


def forest(seed: int, n: int) -> tuple[list[bytes], dict[int, int | None], dict[int, str]]:
    """`n` comments over a few articles, a third of them replies to an earlier comment of
    the same article (at any depth); return the lines, parent and uri of each id."""
    rng = random.Random(seed)
    parents: dict[int, int | None] = {}
    uris: dict[int, str] = {}
    lines = []
    for i in range(1, n + 1):
        uri = f"/article-{rng.randrange(4)}"
        earlier = [c for c, u in uris.items() if u == uri]
        parent = rng.choice(earlier) if earlier and rng.random() < 0.35 else None
        parents[i], uris[i] = parent, uri
        lines.append(line(i * 10, uri, parent * 10 if parent else None, author=f"A{i}"))
    return lines, parents, uris


@pytest.mark.parametrize(("batch_size", "workers"), [(1, 0), (3, 0), (7, 0), (1000, 0), (7, 2)])
def test_parents_and_roots_hold_whatever_the_batch_size(
    rt: Runtime, batch_size: int, workers: int
) -> None:
    lines, parents, uris = forest(seed=batch_size, n=60)
    report = import_comments(rt, lines, batch_size=batch_size, workers=workers)
    assert (report.imported, report.skipped, report.lines) == (60, 0, 60)
    by = stored(rt)

    def root(i: int) -> int:
        parent = parents[i]
        return i if parent is None else root(parent)

    for i in parents:
        row = by[f"A{i}"]
        parent = parents[i]
        assert row.uri == uris[i]
        assert row.parent_id == (by[f"A{parent}"].id if parent else None)
        assert row.root_id == by[f"A{root(i)}"].id


def test_bad_lines_are_reported_in_line_order_across_batches(rt: Runtime) -> None:
    lines = [
        line(1),
        b"{not json\n",
        line(2, text=" \t "),  # found while writing: empty once cleaned
        line(3, parent=99),
        line(1),  # twice, in a later batch than the first
        b'{"id": 5}\n',
        line(6, author="\x01 \x02"),
        line(7, parent=2),  # its parent was refused
        line(8, created="jamais"),
        line(9, parent=1),
    ]
    bad: list[tuple[int, str]] = []
    report = import_comments(rt, lines, batch_size=2, on_bad=lambda n, why: bad.append((n, why)))
    assert [n for n, _ in bad] == [2, 3, 4, 5, 6, 7, 8, 9]
    reasons = dict(bad)
    assert "JSON" in reasons[2] and "empty" in reasons[3] and "parent 99" in reasons[4]
    assert "twice" in reasons[5] and "invalid value" in reasons[6]
    assert "author" in reasons[7] and "parent 2" in reasons[8] and "date" in reasons[9]
    assert (report.lines, report.imported, report.skipped) == (10, 2, 8)
    assert sorted(stored(rt)) == ["Auteur 1", "Auteur 9"]


def test_text_is_cleaned_and_rendered_like_a_posted_comment(rt: Runtime) -> None:
    lines = [
        line(1, text="  Un *mot*\r\nsur exemple.fr\x07 \n\n"),
        line(2, text="Simple phrase : rien à signaler.\n\nDeuxième paragraphe."),
        line(3, author="  Jean \t Dupont\x00 ", email="pas une adresse"),
    ]
    import_comments(rt, lines)
    by = stored(rt)
    first = by["Auteur 1"]
    assert first.text == "Un *mot*\nsur exemple.fr"
    assert first.html == render_markdown(first.text)
    assert "<em>mot</em>" in first.html and 'href="http://exemple.fr"' in first.html
    second = by["Auteur 2"]
    assert second.html == render_markdown(second.text)
    assert by["Jean Dupont"].email is None  # refused address: comment kept, address dropped


def test_the_ids_go_on_after_an_initial_load(rt: Runtime) -> None:
    import_comments(rt, [line(i) for i in range(1, 8)], batch_size=3)
    imported = [r.id for r in stored(rt).values()]
    assert sorted(imported) == list(range(min(imported), min(imported) + 7))  # no gaps
    after = posting.post_comment(
        rt, posting.CommentInput(uri="/a", author="Après", text="Dernier."), "10.0.0.2"
    )
    assert after.id > max(imported)


def test_existing_threads_are_found_not_created(rt: Runtime) -> None:
    posting.post_comment(
        rt, posting.CommentInput(uri="/a", author="Avant", text="Premier."), "10.0.0.1"
    )
    report = import_comments(rt, [line(1, "/a"), line(2, "/b"), line(3, "/a", 1)])
    assert (report.imported, report.threads) == (3, 1)
    by = stored(rt)
    assert by["Auteur 1"].thread_id == by["Avant"].thread_id == by["Auteur 3"].thread_id


class Interrupted(Exception):
    pass


def failing(lines: list[bytes], after: int) -> Iterator[bytes]:
    yield from lines[:after]
    raise Interrupted


def test_an_initial_load_is_all_or_nothing(rt: Runtime) -> None:
    before = indexes_and_keys(rt)
    with pytest.raises(Interrupted):
        import_comments(rt, failing([line(i) for i in range(1, 30)], after=25), batch_size=4)
    with rt.db.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM comments")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM threads")).scalar_one() == 0
    assert indexes_and_keys(rt) == before


def test_an_initial_load_prepared_by_workers_is_all_or_nothing(rt: Runtime) -> None:
    before = indexes_and_keys(rt)
    lines = [line(i) for i in range(1, 30)]
    with pytest.raises(Interrupted):
        import_comments(rt, failing(lines, after=25), batch_size=4, workers=2)
    with rt.db.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM comments")).scalar_one() == 0
    assert indexes_and_keys(rt) == before
    report = import_comments(rt, lines, batch_size=4, workers=2)  # and it can start over
    assert report.imported == 29 and len(stored(rt)) == 29


def test_bad_lines_found_by_workers_keep_their_numbers(rt: Runtime) -> None:
    lines = [
        line(1),
        b"{not json\n",
        line(2, parent=7),
        b"\n",
        line(3, text=" "),
        line(4, parent=1),
    ]
    bad: list[tuple[int, str]] = []
    report = import_comments(
        rt, lines, batch_size=2, workers=2, on_bad=lambda n, why: bad.append((n, why))
    )
    assert [n for n, _ in bad] == [2, 3, 5]
    assert (report.lines, report.imported, report.skipped) == (6, 2, 3)
    by = stored(rt)
    assert by["Auteur 4"].parent_id == by["Auteur 1"].id == by["Auteur 4"].root_id


def test_an_initial_load_leaves_the_same_indexes_and_keys(rt: Runtime) -> None:
    before = indexes_and_keys(rt)
    import_comments(rt, [line(1), line(2, parent=1), line(3, "/b")], batch_size=2)
    assert indexes_and_keys(rt) == before


def indexes_and_keys(rt: Runtime) -> list[str]:
    """The definitions of the comments table's indexes and (validated) foreign keys."""
    with rt.db.read() as conn:
        if rt.db.is_sqlite:
            sql = "SELECT sql FROM sqlite_master WHERE tbl_name = 'comments' AND sql IS NOT NULL"
        else:
            sql = (
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'comments'"
                " UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid)"
                " || CASE WHEN convalidated THEN '' ELSE ' NOT VALID' END"
                " FROM pg_constraint WHERE conrelid = 'comments'::regclass"
            )
        return sorted(conn.execute(text(sql)).scalars())


def test_progress_is_reported_per_batch_then_for_the_indexes(rt: Runtime) -> None:
    seen: list[tuple[str, int, int]] = []

    def on_progress(report: ImportReport) -> None:
        seen.append((report.phase, report.imported, report.lines))

    report = import_comments(
        rt, [line(i) for i in range(1, 6)], batch_size=2, on_progress=on_progress
    )
    assert seen == [
        ("comments", 2, 2),
        ("comments", 4, 4),
        ("comments", 5, 5),
        ("indexes", 5, 5),
    ]
    assert report.phase == "done" and report.seconds > 0 and report.rate > 0
