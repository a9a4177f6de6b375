"""/api/v1/moderation: decisions for integrations, with a moderator's bearer token."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parvis.errors import Unauthorized
from parvis.services import accounts, moderating
from parvis.store.moderators import Moderator
from parvis.web.api.schemas import DecisionIn, DecisionOut
from parvis.web.http import bearer_token, json_response, read_json, runtime


async def token_moderator(request: Request) -> Moderator:
    token = bearer_token(request)
    moderator = (
        await run_in_threadpool(accounts.moderator_for_token, runtime(request), token)
        if token
        else None
    )
    if moderator is None:
        raise Unauthorized("a moderator's API token is required (Authorization: Bearer TOKEN)")
    return moderator


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
