"""/report: "Alerter" without JavaScript, a small form; the reader is thanked, never told
the outcome."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from parvis.errors import Invalid, RateLimited
from parvis.services import reporting
from parvis.web.api.comments import required_uri
from parvis.web.api.reports import reader_id, set_reader_cookie
from parvis.web.csrf import CSRF_COOKIE, check_reader_form, reader_cookie
from parvis.web.errors import localised_message
from parvis.web.http import client_address, query_int, read_form, runtime, templates


def _comment_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


async def _render(
    request: Request,
    uri: str,
    comment_id: int | None,
    *,
    form: dict[str, str] | None = None,
    error: str | None = None,
    thanks: bool = False,
    status: int = 200,
) -> Response:
    rt = runtime(request)
    thread, comment = await run_in_threadpool(reporting.target, rt, uri, comment_id)
    cookie, fresh = reader_cookie(request)
    context: dict[str, Any] = {
        "uri": uri,
        "thread": thread,
        "comment": comment,
        "comment_id": comment_id,
        "form": form or {},
        "error": error,
        "thanks": thanks,
        "csrf": rt.tokens.csrf(cookie),
        "max_note": reporting.MAX_NOTE,
    }
    response = templates(request).response(request, "report.html", context, status=status)
    if fresh:
        response.set_cookie(
            CSRF_COOKIE,
            cookie,
            httponly=True,
            samesite="lax",
            secure=rt.settings.security.secure_cookies,
        )
    return response


async def report_page(request: Request) -> Response:
    return await _render(
        request,
        required_uri(request),
        query_int(request, "comment"),
        thanks=request.query_params.get("thanks") == "1",
    )


async def report_form(request: Request) -> Response:
    rt = runtime(request)
    form = {k: v[0] for k, v in (await read_form(request)).items()}
    check_reader_form(request, form.get("csrf", ""))
    uri = form.get("uri", "")
    if not uri:
        raise Invalid("the article's URI is missing", field="uri")
    comment_id = _comment_id(form.get("comment"))
    reader, fresh = reader_id(request)
    data = reporting.ReportInput(uri, comment_id, form.get("reason", ""), form.get("note"))
    try:
        await run_in_threadpool(reporting.report, rt, data, reader, client_address(request))
    except (Invalid, RateLimited) as exc:
        message = localised_message(exc, templates(request).language(request))
        return await _render(request, uri, comment_id, form=form, error=message, status=exc.status)
    query = {"uri": uri, "thanks": 1, **({"comment": comment_id} if comment_id else {})}
    response = RedirectResponse(f"/report?{urlencode(query)}", status_code=303)
    if fresh:
        set_reader_cookie(request, response, reader)
    return response


routes = [
    Route("/report", report_page, methods=["GET"]),
    Route("/report", report_form, methods=["POST"]),
]
