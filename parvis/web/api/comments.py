"""/api/v1/comments: read a thread, post, edit and delete a comment."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parvis.domain.comment import Comment, PublicComment
from parvis.errors import Invalid, Unauthorized
from parvis.services import accounts, posting, reading
from parvis.services.runtime import Runtime
from parvis.web.api.schemas import (
    CommentEdit,
    CommentIn,
    CommentOut,
    EditedOut,
    PostedOut,
    ThreadOut,
)
from parvis.web.http import (
    bearer_token,
    client_address,
    json_response,
    query_int,
    read_json,
    runtime,
)

EDIT_HEADER = "x-parvis-edit-token"
EDIT_COOKIE = "parvis_edit_{id}"


def public_json(c: PublicComment) -> CommentOut:
    return CommentOut(
        id=c.id,
        parent=c.parent_id,
        author=c.author,
        created=c.created.isoformat(),
        html=c.html,
        replies=[public_json(r) for r in c.replies],
    )


def required_uri(request: Request) -> str:
    uri = request.query_params.get("uri")
    if not uri:
        raise Invalid("the uri parameter is missing", field="uri")
    return uri


async def list_comments(request: Request) -> Response:
    rt = runtime(request)
    page = await run_in_threadpool(
        reading.thread_page,
        rt,
        required_uri(request),
        request.query_params.get("before") or None,
        query_int(request, "limit"),
    )
    return json_response(
        ThreadOut(page.uri, page.total, [public_json(c) for c in page.comments], page.next)
    )


async def create_comment(request: Request) -> Response:
    rt = runtime(request)
    body = await read_json(request, CommentIn)
    data = posting.CommentInput(
        uri=body.uri,
        author=body.author,
        text=body.text,
        email=body.email,
        parent=body.parent,
        title=body.title,
        notify_replies=body.notify_replies,
    )
    posted = await run_in_threadpool(
        _post, rt, data, client_address(request), bearer_token(request)
    )
    response = json_response(
        PostedOut(
            posted.id,
            posted.status.value,
            posted.edit_token,
            rt.settings.comments.edit_window,
            posted.checking,
        ),
        status=201,
    )
    set_edit_cookie(request, response, posted.id, posted.edit_token)
    return response


def _post(
    rt: Runtime, data: posting.CommentInput, address: str, token: str | None
) -> posting.Posted:
    """The token's check and the post in one trip to the thread pool: a moderator's token
    (DESIGN §6) is not rate-limited; a wrong one is refused."""
    trusted = token is not None and accounts.moderator_for_token(rt, token) is not None
    if token is not None and not trusted:
        raise Unauthorized("invalid API token", code="bad_token")
    return posting.post_comment(rt, data, address, trusted=trusted)


def set_edit_cookie(request: Request, response: Response, comment_id: int, token: str) -> None:
    rt = runtime(request)
    response.set_cookie(
        EDIT_COOKIE.format(id=comment_id),
        token,
        max_age=rt.settings.comments.edit_window,
        httponly=True,
        samesite="lax",
        secure=rt.settings.security.secure_cookies,
    )


def edit_token(request: Request, comment_id: int) -> str:
    token = request.headers.get(EDIT_HEADER) or request.cookies.get(
        EDIT_COOKIE.format(id=comment_id)
    )
    if not token:
        raise Unauthorized("not allowed to change this comment", code="edit_denied")
    return token


async def update_comment(request: Request) -> Response:
    rt = runtime(request)
    comment_id = request.path_params["id"]
    body = await read_json(request, CommentEdit)
    comment = await run_in_threadpool(
        posting.edit_comment, rt, comment_id, edit_token(request, comment_id), body.text
    )
    return json_response(own_json(comment))


async def get_own_comment(request: Request) -> Response:
    """The author's comment while they may change it: its status once the checks ran."""
    rt = runtime(request)
    comment_id = request.path_params["id"]
    comment = await run_in_threadpool(
        posting.own_comment, rt, comment_id, edit_token(request, comment_id)
    )
    return json_response(own_json(comment))


def own_json(comment: Comment) -> EditedOut:
    return EditedOut(comment.id, comment.status.value, comment.html, comment.checking)


async def delete_comment(request: Request) -> Response:
    rt = runtime(request)
    comment_id = request.path_params["id"]
    await run_in_threadpool(posting.delete_comment, rt, comment_id, edit_token(request, comment_id))
    response = Response(status_code=204)
    response.delete_cookie(EDIT_COOKIE.format(id=comment_id))
    return response


routes = [
    Route("/api/v1/comments", list_comments, methods=["GET"]),
    Route("/api/v1/comments", create_comment, methods=["POST"]),
    Route("/api/v1/comments/{id:int}", get_own_comment, methods=["GET"]),
    Route("/api/v1/comments/{id:int}", update_comment, methods=["PUT"]),
    Route("/api/v1/comments/{id:int}", delete_comment, methods=["DELETE"]),
]
