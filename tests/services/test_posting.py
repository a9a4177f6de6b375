from __future__ import annotations

import dataclasses

import msgspec
import pytest

from parvis.domain.comment import CommentStatus
from parvis.domain.thread import ModerationMode
from parvis.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited, Unauthorized
from parvis.services import posting
from parvis.services.posting import CommentInput
from parvis.services.runtime import Runtime
from parvis.store import comments, threads
from tests.conftest import Clock


def post(rt: Runtime, **kw: object) -> posting.Posted:
    data = {"uri": "/2025/08/15/canicule", "author": "Marie", "text": "Très bon article."} | kw
    return posting.post_comment(rt, CommentInput(**data), "203.0.113.7")  # type: ignore[arg-type]


def with_comments(rt: Runtime, **values: object) -> Runtime:
    """The same runtime with other [comments] settings."""
    settings = msgspec.structs.replace(
        rt.settings, comments=msgspec.structs.replace(rt.settings.comments, **values)
    )
    return dataclasses.replace(rt, settings=settings)


def test_a_new_comment_waits_for_a_moderator_by_default(rt: Runtime) -> None:
    posted = post(rt)
    assert posted.status == CommentStatus.PENDING
    with rt.db.read() as conn:
        stored = comments.get(conn, posted.id)
    assert stored is not None and stored.status == CommentStatus.PENDING
    assert stored.html == "<p>Très bon article.</p>"
    assert stored.client_hash and "203.0.113.7" not in stored.client_hash


def test_the_first_comment_creates_the_thread_with_a_title_from_the_uri(rt: Runtime) -> None:
    post(rt, uri="/2025/08/15/canicule-les-villes/")
    with rt.db.read() as conn:
        thread = threads.get_by_uri(conn, "/2025/08/15/canicule-les-villes/")
    assert thread is not None and thread.title == "Canicule les villes"


def test_the_title_given_with_the_first_comment_is_kept(rt: Runtime) -> None:
    post(rt, uri="/a", title="Canicule : les villes face à la chaleur")
    with rt.db.read() as conn:
        assert threads.get_by_uri(conn, "/a").title == "Canicule : les villes face à la chaleur"  # type: ignore[union-attr]


def test_post_moderation_publishes_at_once(rt: Runtime) -> None:
    post(rt, uri="/a")
    with rt.db.write() as conn:
        threads.set_mode(conn, threads.get_by_uri(conn, "/a").id, ModerationMode.POST)  # type: ignore[union-attr]
    assert post(rt, uri="/a").status == CommentStatus.PUBLISHED


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"text": "   "}, "text", "text_empty"),
        ({"text": "x" * 10001}, "text", "text_too_long"),
        ({"author": "  "}, "author", "author_missing"),
        ({"author": "x" * 61}, "author", "author_too_long"),
        ({"email": "pas-une-adresse"}, "email", "email_invalid"),
        ({"email": "a@b"}, "email", "email_invalid"),
        ({"uri": ""}, "uri", "invalid"),
        ({"parent": 999999}, "parent", "invalid"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    rt: Runtime, fields: dict, field: str, code: str
) -> None:
    with pytest.raises(Invalid) as err:
        post(rt, **fields)
    assert err.value.field == field and err.value.code == code and err.value.message


def test_the_length_limit_is_configurable(rt: Runtime) -> None:
    short = with_comments(rt, max_length=10)
    with pytest.raises(Invalid, match="too long"):
        post(short, text="onze lettres")
    assert post(short, text="dix lettre").id


def test_an_empty_email_is_no_email(rt: Runtime) -> None:
    posted = post(rt, email="  ")
    with rt.db.read() as conn:
        assert comments.get(conn, posted.id).email is None  # type: ignore[union-attr]


def _publish(rt: Runtime, comment_id: int) -> None:
    with rt.db.write() as conn:
        comments.set_status(conn, comment_id, CommentStatus.PUBLISHED, rt.now())


def test_a_reply_must_answer_a_published_comment_of_the_same_thread(rt: Runtime) -> None:
    first = post(rt, uri="/a")
    with pytest.raises(Invalid, match="does not exist"):  # still pending
        post(rt, uri="/a", parent=first.id)
    _publish(rt, first.id)
    with pytest.raises(Invalid, match="another article"):
        post(rt, uri="/b", parent=first.id)
    reply = post(rt, uri="/a", parent=first.id)
    _publish(rt, reply.id)
    deeper = post(rt, uri="/a", parent=reply.id)
    with rt.db.read() as conn:
        assert comments.get(conn, deeper.id).root_id == first.id  # type: ignore[union-attr]


def test_a_closed_thread_refuses_comments(rt: Runtime) -> None:
    post(rt, uri="/a")
    with rt.db.write() as conn:
        threads.set_closed(conn, threads.get_by_uri(conn, "/a").id, True)  # type: ignore[union-attr]
    with pytest.raises(Conflict) as err:
        post(rt, uri="/a")
    assert err.value.code == "thread_closed"


def test_allowed_prefixes_restrict_new_threads_only(rt: Runtime) -> None:
    post(rt, uri="https://other.example/old")
    strict = with_comments(rt, allowed_uri_prefixes=["https://news.example/"])
    assert post(strict, uri="https://news.example/2025/a").id
    assert post(strict, uri="https://other.example/old").id  # known thread
    with pytest.raises(Forbidden):
        post(strict, uri="https://other.example/new")


def test_rate_limit_per_client(rt: Runtime, clock: Clock) -> None:
    limited = with_comments(rt, rate_limit=2, rate_window=60)
    clock.now = clock.now.replace(second=0)
    post(limited)
    post(limited)
    with pytest.raises(RateLimited) as err:
        post(limited)
    assert 0 < err.value.retry_after <= 60
    other = posting.post_comment(
        limited, CommentInput(uri="/x", author="B", text="Bonjour."), "198.51.100.1"
    )
    assert other.id
    clock.advance(seconds=61)
    assert post(limited).id


def test_a_moderator_token_is_not_rate_limited(rt: Runtime) -> None:
    limited = with_comments(rt, rate_limit=1)
    posted = [
        posting.post_comment(
            limited, CommentInput(uri="/a", author="A", text="Texte."), "10.0.0.1", trusted=True
        )
        for _ in range(3)
    ]
    assert len({p.id for p in posted}) == 3
    with pytest.raises(RateLimited):  # the same client without the token: refused
        for _ in range(2):
            posting.post_comment(
                limited, CommentInput(uri="/a", author="A", text="Texte."), "10.0.0.1"
            )


def test_the_author_may_edit_within_the_window(rt: Runtime, clock: Clock) -> None:
    posted = post(rt)
    edited = posting.edit_comment(rt, posted.id, posted.edit_token, "Texte *corrigé*.")
    assert edited.html == "<p>Texte <em>corrigé</em>.</p>" and edited.modified == clock.now
    clock.advance(minutes=16)
    with pytest.raises(Unauthorized) as err:
        posting.edit_comment(rt, posted.id, posted.edit_token, "Trop tard.")
    assert err.value.code == "edit_expired"


def test_an_edit_token_only_opens_its_own_comment(rt: Runtime) -> None:
    mine, other = post(rt), post(rt)
    with pytest.raises(Forbidden):
        posting.delete_comment(rt, other.id, mine.edit_token)
    with pytest.raises(Unauthorized):
        posting.delete_comment(rt, other.id, "forged.token.value")


def test_an_edited_published_comment_goes_back_to_moderation(rt: Runtime) -> None:
    posted = post(rt)
    _publish(rt, posted.id)
    assert (
        posting.edit_comment(rt, posted.id, posted.edit_token, "Autre texte.").status
        == CommentStatus.PENDING
    )


def test_the_author_may_delete_within_the_window(rt: Runtime) -> None:
    posted = post(rt)
    posting.delete_comment(rt, posted.id, posted.edit_token)
    with rt.db.read() as conn:
        assert comments.get(conn, posted.id).status == CommentStatus.DELETED  # type: ignore[union-attr]
    with pytest.raises(NotFound):
        posting.delete_comment(rt, posted.id, posted.edit_token)


def test_markdown_subset_is_rendered_and_the_rest_escaped(rt: Runtime) -> None:
    posted = post(
        rt,
        text="> cité\n\n**fort** <script>alert(1)</script> [lien](https://ex.org) "
        "[x](javascript:alert(1))",
    )
    with rt.db.read() as conn:
        html = comments.get(conn, posted.id).html  # type: ignore[union-attr]
    assert "<blockquote>" in html and "<strong>fort</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://ex.org" rel="nofollow ugc noopener">lien</a>' in html
    assert "javascript:" not in html.replace("[x](javascript:alert(1))", "")
