"""/api/v1/threads: the publisher's CMS registers an article (title, text) with a token."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parvis.services import articles
from parvis.web.api.schemas import ArticleIn, ArticleOut
from parvis.web.auth import token_moderator
from parvis.web.http import json_response, read_json, runtime


async def register(request: Request) -> Response:
    await token_moderator(request)
    body = await read_json(request, ArticleIn)
    thread = await run_in_threadpool(
        articles.register, runtime(request), body.uri, body.title, body.text, body.url
    )
    return json_response(
        ArticleOut(
            thread.uri, thread.title, thread.closed, thread.mode.value if thread.mode else None
        )
    )


routes = [Route("/api/v1/threads", register, methods=["PUT"])]
