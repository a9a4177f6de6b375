"""The audit log: a page with filters and keyset paging, and the same entries as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from parvis.domain.audit import AUTOMATIC, NO_RULE, AuditFilter, AuditRecord
from parvis.domain.moderator import Role
from parvis.services import accounts, auditing
from parvis.web.auth import csrf_token, require_moderator, requires
from parvis.web.http import query_int, runtime, templates
from parvis.web.labels import ACTIONS
from parvis.web.templating import thread_url

FIELDS = ("moderator", "action", "rule", "since", "until", "article")
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _params(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "").strip() for k in FIELDS}


async def _filter(request: Request, params: dict[str, str]) -> AuditFilter:
    rt = runtime(request)
    return await run_in_threadpool(lambda: auditing.build_filter(rt, **params))


@requires(Role.MODERATOR)
async def audit_page(request: Request) -> Response:
    moderator = await require_moderator(request)
    rt = runtime(request)
    params = _params(request)
    where = await _filter(request, params)
    before = query_int(request, "before")
    rows, next_before = await run_in_threadpool(auditing.page, rt, where, before)
    team = await run_in_threadpool(accounts.list_moderators, rt)
    kept = {k: v for k, v in params.items() if v}
    return templates(request).response(
        request,
        "mod/audit.html",
        {
            "moderator": moderator,
            "csrf": csrf_token(request),
            "rows": rows,
            "params": params,
            "team": team,
            "rules": [r.id for r in rt.charter.rules],
            "actions": list(ACTIONS),
            "automatic": AUTOMATIC,
            "no_rule": NO_RULE,
            "query": urlencode(kept),
            "next_url": "/mod/audit?" + urlencode({**kept, "before": next_before})
            if next_before
            else None,
            "first_page": before is None,
            "comment_url": _comment_url,
        },
    )


def _comment_url(record: AuditRecord) -> str | None:
    if record.thread_uri is None:
        return None
    anchor = f"#{record.entry.comment_id}" if record.entry.comment_id else ""
    return thread_url(record.thread_uri) + anchor


def safe_cell(value: object) -> str:
    """A cell as text, a leading formula character defused with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


@requires(Role.MODERATOR)
async def audit_csv(request: Request) -> Response:
    """UTF-8 with a byte-order mark, so spreadsheets read the accents right; comma-separated
    (RFC 4180) unless `?sep=semicolon`, what French spreadsheets expect."""
    rt = runtime(request)
    tpl = templates(request)
    lang = tpl.language(request)
    label = tpl.labels(lang)
    where = await _filter(request, _params(request))
    delimiter = ";" if request.query_params.get("sep") == "semicolon" else ","
    header = [
        "id",
        "at",
        "moderator",
        "action",
        "rule",
        "note",
        "comment_id",
        "comment_author",
        "article_id",
        "article_uri",
        "article_title",
    ]

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")

        def line(cells: list[object]) -> str:
            buffer.seek(0)
            buffer.truncate()
            writer.writerow([safe_cell(c) for c in cells])
            return buffer.getvalue()

        yield "\ufeff" + line(list(header))
        for r in auditing.every(rt, where):
            e = r.entry
            yield line(
                [
                    e.id,
                    e.at.isoformat(),
                    label.who(e.moderator, e.action),
                    e.action,
                    e.rule,
                    e.note,
                    e.comment_id,
                    r.comment_author,
                    e.thread_id,
                    r.thread_uri,
                    r.thread_title,
                ]
            )

    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="parvis-audit.csv"'},
    )


routes = [
    Route("/mod/audit", audit_page, methods=["GET"]),
    Route("/mod/audit.csv", audit_csv, methods=["GET"]),
]
