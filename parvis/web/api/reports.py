"""/api/v1/reports: "Alerter" from the widget. The reader is thanked, never told more."""

from __future__ import annotations

import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parvis.services import reporting
from parvis.web.api.schemas import ReportIn, ReportOut
from parvis.web.http import client_address, json_response, read_json, runtime, templates

READER_COOKIE = "parvis_reader"


def _(message: str) -> str:
    """Marks a msgid for extraction; translated per request."""
    return message


THANKS = _("Thank you, the moderation team will look at this comment.")


def reader_id(request: Request) -> tuple[str, bool]:
    """The reader's anonymous id (a random cookie), and whether it is new."""
    value = request.cookies.get(READER_COOKIE, "")
    if 16 <= len(value) <= 64:
        return value, False
    return secrets.token_urlsafe(24), True


def set_reader_cookie(request: Request, response: Response, value: str) -> None:
    response.set_cookie(
        READER_COOKIE,
        value,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=runtime(request).settings.security.secure_cookies,
    )


async def create_report(request: Request) -> Response:
    rt = runtime(request)
    body = await read_json(request, ReportIn)
    reader, fresh = reader_id(request)
    data = reporting.ReportInput(body.uri, body.comment, body.reason, body.note)
    await run_in_threadpool(reporting.report, rt, data, reader, client_address(request))
    lang = templates(request).language(request)
    message = templates(request).gettext(lang, THANKS)
    response = json_response(ReportOut("received", message), status=202)
    if fresh:
        set_reader_cookie(request, response, reader)
    return response


routes = [Route("/api/v1/reports", create_report, methods=["POST"])]
