"""/mod/reports: the comments and articles readers reported, most reported first."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from parvis.domain.moderator import Role
from parvis.services import reporting
from parvis.web.auth import check_csrf, csrf_token, require_moderator, requires
from parvis.web.http import first, query_int, read_form, runtime, templates

PAGE = 50


@requires(Role.MODERATOR)
async def reports_page(request: Request) -> Response:
    moderator = await require_moderator(request)
    offset = max(0, query_int(request, "offset", 0) or 0)
    items, total = await run_in_threadpool(reporting.queue, runtime(request), PAGE, offset)
    response: Response = templates(request).response(
        request,
        "mod/reports.html",
        {
            "moderator": moderator,
            "items": items,
            "total": total,
            "offset": offset,
            "csrf": csrf_token(request),
            "done": query_int(request, "done"),
        },
    )
    return response


@requires(Role.MODERATOR)
async def decide_reports(request: Request) -> Response:
    """Approve: close the reports and keep the comment (republished if they hid it).
    Reject: remove the comment. On an article's reports, approve closes them."""
    moderator = await require_moderator(request)
    form = await read_form(request)
    check_csrf(request, form)
    comment = first(form, "comment")
    thread = first(form, "thread")
    await run_in_threadpool(
        reporting.decide,
        runtime(request),
        moderator,
        first(form, "action"),
        comment_id=int(comment) if comment.isdigit() else None,
        thread_id=int(thread) if thread.isdigit() else None,
    )
    return RedirectResponse("/mod/reports?done=1", status_code=303)


routes = [
    Route("/mod/reports", reports_page, methods=["GET"]),
    Route("/mod/reports/decide", decide_reports, methods=["POST"]),
]
