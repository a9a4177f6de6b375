"""Rate limits that hold across processes (the counter lives in the database)."""

from __future__ import annotations

from parvis.errors import RateLimited
from parvis.services.runtime import Runtime
from parvis.store import ratelimits


def enforce_rate_limit(rt: Runtime, key: str, limit: int, window: int) -> None:
    now = int(rt.now().timestamp())
    with rt.db.write() as conn:
        hits = ratelimits.hit(conn, key, now - now % window)
    if hits > limit:
        raise RateLimited(
            "too many requests in a short time; please wait {seconds} seconds",
            retry_after=window - now % window,
            seconds=window - now % window,
        )
