"""Reading the audit log: filters as the page and the CSV export take them, paging."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from parvis.domain.audit import AUTOMATIC, AuditFilter, AuditRecord
from parvis.errors import Invalid
from parvis.services.runtime import Runtime
from parvis.store import audit, threads

PAGE_SIZE = 50
EXPORT_BATCH = 500


def build_filter(
    rt: Runtime,
    *,
    moderator: str = "",
    action: str = "",
    rule: str = "",
    since: str = "",
    until: str = "",
    article: str = "",
) -> AuditFilter:
    """From the page's fields: dates are the publisher's days (site.timezone), both included;
    `article` is an article's number or its URI."""
    who: int | str | None = None
    if moderator == AUTOMATIC:
        who = AUTOMATIC
    elif moderator.isdigit():
        who = int(moderator)
    first, last = _day(rt, since, "since"), _day(rt, until, "until")
    return AuditFilter(
        moderator=who,
        action=action.strip()[:32] or None,
        rule=rule.strip()[:32] or None,
        since=first,
        until=last + timedelta(days=1) if last else None,
        thread_id=_thread_id(rt, article.strip()),
    )


def _day(rt: Runtime, value: str, field: str) -> datetime | None:
    """A local day's first instant, in UTC."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Invalid("give the date as YYYY-MM-DD", field=field) from None
    tz = ZoneInfo(rt.settings.site.timezone)
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def _thread_id(rt: Runtime, article: str) -> int | None:
    if not article:
        return None
    if article.isdigit():
        return int(article)
    with rt.db.read() as conn:
        thread = threads.get_by_uri(conn, article)
    return thread.id if thread else -1  # an unknown article: nothing matches


def page(
    rt: Runtime, f: AuditFilter, before: int | None = None, size: int = PAGE_SIZE
) -> tuple[list[AuditRecord], int | None]:
    """One page, newest first, and the cursor of the next one (None on the last page)."""
    with rt.db.read() as conn:
        rows = audit.search(conn, f, before, size + 1)
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].entry.id if more and rows else None)


def every(rt: Runtime, f: AuditFilter, batch: int = EXPORT_BATCH) -> Iterator[AuditRecord]:
    """All matching entries, newest first, a batch per short read transaction: an export of
    the whole log neither holds a connection nor a snapshot while the client downloads."""
    before: int | None = None
    while True:
        with rt.db.read() as conn:
            rows = audit.search(conn, f, before, batch)
        yield from rows
        if len(rows) < batch:
            return
        before = rows[-1].entry.id
