"""/api/v1/check: what the form shows before posting (same objects as `parvis moderate`)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parvis.services import checking
from parvis.web.api.schemas import CheckIn
from parvis.web.http import client_address, json_response, read_json, runtime


async def check(request: Request) -> Response:
    body = await read_json(request, CheckIn)
    verdict = await run_in_threadpool(
        checking.check_text, runtime(request), body.text, client_address(request), body.uri
    )
    return json_response(verdict.to_dict())


routes = [Route("/api/v1/check", check, methods=["POST"])]
