"""/openapi.json: the API described from the same structs that parse and encode it."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parvis import __version__
from parvis.web.api import schemas as s
from parvis.web.http import json_response

_STRUCTS = [
    s.CommentIn,
    s.CommentEdit,
    s.CheckIn,
    s.DecisionIn,
    s.ThreadOut,
    s.PostedOut,
    s.EditedOut,
    s.CountsOut,
    s.VerdictOut,
    s.DecisionOut,
    s.ErrorOut,
    s.SubscriptionIn,
    s.SubscriptionOut,
    s.ReportIn,
    s.ReportOut,
    s.ArticleIn,
    s.ArticleOut,
]


def _ref(struct: type) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{struct.__name__}"}


def _json(struct: type, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(struct)}}}


_ERROR = _json(s.ErrorOut, "bad input, with the field at fault")
_URI = {"name": "uri", "in": "query", "required": True, "schema": {"type": "string"}}
_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
_EDIT = {
    "name": "X-Parvis-Edit-Token",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "the edit_token returned on posting",
}


def document() -> dict[str, Any]:
    _, components = msgspec.json.schema_components(
        _STRUCTS, ref_template="#/components/schemas/{name}"
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Parvis",
            "version": __version__,
            "description": "Comments for news publishers, checked against the charter.",
        },
        "components": {
            "schemas": components,
            "securitySchemes": {
                "moderatorToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "from `parvis user token NAME`",
                }
            },
        },
        "paths": {
            "/api/v1/comments": {
                "get": {
                    "summary": "Published comments of an article, newest first, replies nested",
                    "parameters": [
                        _URI,
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1},
                        },
                        {
                            "name": "before",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "the `next` cursor of the previous page",
                        },
                    ],
                    "responses": {"200": _json(s.ThreadOut, "a page of the thread"), "400": _ERROR},
                },
                "post": {
                    "summary": "Post a comment (held for moderation unless the charter allows it)",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref(s.CommentIn)}},
                    },
                    "responses": {
                        "201": _json(s.PostedOut, "stored"),
                        "400": _ERROR,
                        "403": _ERROR,
                        "409": _ERROR,
                        "413": _ERROR,
                        "415": _ERROR,
                        "429": _ERROR,
                    },
                },
            },
            "/api/v1/comments/{id}": {
                "get": {
                    "summary": "The author's own comment within the edit window: its status "
                    "once the charter's checks have run",
                    "parameters": [_ID, _EDIT],
                    "responses": {
                        "200": _json(s.EditedOut, "the comment"),
                        "401": _ERROR,
                        "403": _ERROR,
                        "404": _ERROR,
                    },
                },
                "put": {
                    "summary": "The author edits their comment within the edit window",
                    "parameters": [_ID, _EDIT],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref(s.CommentEdit)}},
                    },
                    "responses": {
                        "200": _json(s.EditedOut, "edited"),
                        "401": _ERROR,
                        "403": _ERROR,
                        "404": _ERROR,
                    },
                },
                "delete": {
                    "summary": "The author deletes their comment within the edit window",
                    "parameters": [_ID, _EDIT],
                    "responses": {
                        "204": {"description": "deleted"},
                        "401": _ERROR,
                        "403": _ERROR,
                        "404": _ERROR,
                    },
                },
            },
            "/api/v1/counts": {
                "get": {
                    "summary": "Published counts of many articles",
                    "parameters": [
                        {
                            **_URI,
                            "schema": {"type": "array", "items": {"type": "string"}},
                            "style": "form",
                            "explode": True,
                        }
                    ],
                    "responses": {"200": _json(s.CountsOut, "counts by URI"), "400": _ERROR},
                },
            },
            "/api/v1/check": {
                "post": {
                    "summary": "What the charter's checks say about a text, before posting",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref(s.CheckIn)}},
                    },
                    "responses": {
                        "200": _json(s.VerdictOut, "flags with evidence, scores"),
                        "400": _ERROR,
                        "429": _ERROR,
                    },
                },
            },
            "/api/v1/subscriptions": {
                "post": {
                    "summary": "Follow an article by mail: a confirmation link is mailed first",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref(s.SubscriptionIn)}},
                    },
                    "responses": {
                        "202": _json(s.SubscriptionOut, "the confirmation mail is queued"),
                        "400": _ERROR,
                        "403": _ERROR,
                        "429": _ERROR,
                    },
                },
            },
            "/api/v1/reports": {
                "post": {
                    "summary": "Report a published comment, or the article, to the moderators",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref(s.ReportIn)}},
                    },
                    "responses": {
                        "202": _json(s.ReportOut, "received (a repeated report is not counted)"),
                        "400": _ERROR,
                        "404": _ERROR,
                        "429": _ERROR,
                    },
                },
            },
            "/api/v1/threads": {
                "put": {
                    "summary": "Register or update an article (title, text) from the CMS",
                    "security": [{"moderatorToken": []}],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref(s.ArticleIn)}},
                    },
                    "responses": {
                        "200": _json(s.ArticleOut, "the article"),
                        "400": _ERROR,
                        "401": _ERROR,
                        "403": _ERROR,
                    },
                },
            },
            "/api/v1/moderation/comments/{id}": {
                "post": {
                    "summary": "Approve or reject a comment",
                    "security": [{"moderatorToken": []}],
                    "parameters": [_ID],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref(s.DecisionIn)}},
                    },
                    "responses": {
                        "200": _json(s.DecisionOut, "the new status"),
                        "400": _ERROR,
                        "401": _ERROR,
                        "404": _ERROR,
                        "409": _ERROR,
                    },
                },
            },
        },
    }


async def openapi(request: Request) -> Response:
    return json_response(document())


routes = [Route("/openapi.json", openapi, methods=["GET"])]
