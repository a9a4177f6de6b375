"""The demo article `make run` shows: a realistic French thread with replies and a few pending."""

from __future__ import annotations

import json
from datetime import timedelta
from importlib import resources

from parvis.domain.comment import CommentStatus
from parvis.services.checking import verdict_for
from parvis.services.rendering import render
from parvis.services.runtime import Runtime
from parvis.store import comments, threads
from parvis.store.comments import NewComment


def load_demo(rt: Runtime) -> str:
    """Load the demo thread once (idempotent); return its URI."""
    data = json.loads(
        resources.files("parvis.services").joinpath("demo_data.json").read_text("utf-8")
    )
    article = data["article"]
    uri: str = article["uri"]
    now = rt.now()
    published_at = now - timedelta(minutes=max(c["minutes"] for c in data["comments"]) + 30)
    with rt.db.write() as conn:
        existing = threads.get_by_uri(conn, article["uri"])
        if existing is not None and existing.published:
            return uri
        thread = threads.register(
            conn, article["uri"], article["title"], article["text"], published_at
        )
        ids: dict[str, tuple[int, int]] = {}  # key -> (id, root id)
        for c in data["comments"]:
            parent = ids.get(c["parent"]) if c["parent"] else None
            status = CommentStatus(c["status"])
            # The pending ones get the engine's verdict, so the queue shows its evidence.
            verdict = (
                verdict_for(rt, c["text"], thread) if status == CommentStatus.PENDING else None
            )
            comment_id = comments.insert(
                conn,
                NewComment(
                    thread_id=thread.id,
                    parent_id=parent[0] if parent else None,
                    root_id=parent[1] if parent else None,
                    author=c["author"],
                    email=None,
                    text=c["text"],
                    html=render(c["text"]),
                    status=status,
                    created=published_at + timedelta(minutes=c["minutes"]),
                    client_hash="demo",
                    verdict=verdict,
                ),
            )
            ids[c["key"]] = (comment_id, parent[1] if parent else comment_id)
    return uri
