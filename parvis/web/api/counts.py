"""/api/v1/counts: published counts for many articles in one request."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parvis.errors import Invalid
from parvis.services import reading
from parvis.web.http import json_response, runtime


async def get_counts(request: Request) -> Response:
    uris = request.query_params.getlist("uri")
    if not uris:
        raise Invalid("give at least one uri parameter", field="uri")
    counts = await run_in_threadpool(reading.counts, runtime(request), uris)
    return json_response({"counts": counts})


routes = [Route("/api/v1/counts", get_counts, methods=["GET"])]
