"""Running the charter's checks on a text: for a posted comment, and before posting
(the form's "Vérifier" and POST /api/v1/check)."""

from __future__ import annotations

from parvis.domain.thread import Thread
from parvis.domain.verdict import CheckContext, Verdict
from parvis.errors import Invalid
from parvis.services.limits import enforce_rate_limit
from parvis.services.runtime import Runtime
from parvis.services.validation import clean_text
from parvis.store import threads

CHECKS_PER_MINUTE = 60  # a debounced widget sends one every second or two while typing


def verdict_for(rt: Runtime, text: str, thread: Thread | None) -> Verdict | None:
    """The engine's verdict, knowing the article (its names are not spelling mistakes)."""
    if rt.moderate is None:
        return None
    context = CheckContext(
        title=thread.title if thread else None, article_text=thread.text if thread else None
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
