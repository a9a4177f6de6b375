"""/api/v1/moderation: decisions for integrations, with a moderator's bearer token."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parvis.services import moderating
from parvis.web.api.schemas import DecisionIn, DecisionOut
from parvis.web.auth import token_moderator
from parvis.web.http import json_response, read_json, runtime


async def decide(request: Request) -> Response:
    moderator = await token_moderator(request)
    body = await read_json(request, DecisionIn)
    comment = await run_in_threadpool(
        moderating.decide,
        runtime(request),
        moderator,
        request.path_params["id"],
        body.action,
        body.note,
    )
    return json_response(DecisionOut(comment.id, comment.status.value))


routes = [Route("/api/v1/moderation/comments/{id:int}", decide, methods=["POST"])]
