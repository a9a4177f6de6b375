"""Running the charter's checks on a text: for a posted comment, and before posting
(the form's "Vérifier" and POST /api/v1/check)."""

from __future__ import annotations

from datetime import timedelta

from parvis.domain.thread import Thread
from parvis.domain.verdict import CheckContext, Verdict
from parvis.errors import Invalid
from parvis.services.limits import enforce_rate_limit
from parvis.services.runtime import Runtime
from parvis.services.validation import clean_text
from parvis.store import comments, threads

CHECKS_PER_MINUTE = 60  # a debounced widget sends one every second or two while typing


RECENT = 20  # comments compared for copies: the client's last ones and the thread's last ones


def verdict_for(
    rt: Runtime, text: str, thread: Thread | None, client_hash: str | None = None
) -> Verdict | None:
    """The engine's verdict, knowing the article (its names are not spelling mistakes) and,
    for a post, what this client and this thread said lately (copies, posting rate)."""
    if rt.moderate is None:
        return None
    recent: tuple[str, ...] = ()
    rate = 0
    if client_hash or thread:
        now = rt.now()
        with rt.db.read() as conn:
            recent = tuple(
                comments.recent_texts(
                    conn,
                    client_hash,
                    thread.id if thread else None,
                    now - timedelta(days=1),
                    RECENT,
                )
            )
            if client_hash:
                rate = comments.count_by_client_since(conn, client_hash, now - timedelta(hours=1))
    context = CheckContext(
        title=thread.title if thread else None,
        article_text=thread.text if thread else None,
        recent_texts=recent,
        author_recent_count=rate,
    )
    return rt.moderate(text, context)


def check_text(rt: Runtime, text: str, client_address: str, uri: str | None = None) -> Verdict:
    if rt.moderate is None:
        raise Invalid("the moderation engine is not loaded", code="engine_unavailable")
    text = clean_text(rt, text)
    enforce_rate_limit(rt, f"check:{rt.client_hash(client_address)}", CHECKS_PER_MINUTE, 60)
    thread = None
    if uri:
        with rt.db.read() as conn:
            thread = threads.get_by_uri(conn, uri)
    verdict = verdict_for(rt, text, thread)
    assert verdict is not None
    return verdict
