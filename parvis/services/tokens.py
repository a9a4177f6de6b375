"""Signed values handed to clients: page cursors, edit rights, moderator sessions, CSRF.

All are signed with the instance's secret (itsdangerous), each kind with its own
salt so one can never be replayed as another.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from parvis.errors import Invalid, Unauthorized


class Tokens:
    def __init__(self, secret: str) -> None:
        if not secret:
            raise Invalid("security.secret_key is empty: run `parvis init`", field="secret_key")
        self._secret = secret.encode()
        self._cursor = URLSafeSerializer(secret, salt="parvis.cursor")
        self._edit = URLSafeSerializer(secret, salt="parvis.edit")
        self._session = URLSafeTimedSerializer(secret, salt="parvis.session")

    def cursor(self, thread_id: int, before: int) -> str:
        return self._cursor.dumps([thread_id, before])

    def read_cursor(self, value: str, thread_id: int) -> int:
        try:
            data = self._cursor.loads(value)
        except BadSignature:
            raise Invalid("the paging cursor is invalid", field="before") from None
        if not (isinstance(data, list) and len(data) == 2 and data[0] == thread_id):
            raise Invalid("the paging cursor belongs to another thread", field="before")
        return int(data[1])

    def edit(self, comment_id: int, expires: int) -> str:
        """The right to edit or delete one comment until `expires` (a Unix time)."""
        return self._edit.dumps([comment_id, expires])

    def read_edit(self, value: str, now: int) -> int:
        try:
            comment_id, expires = self._edit.loads(value)
        except (BadSignature, ValueError, TypeError):
            raise Unauthorized("not allowed to change this comment", code="edit_denied") from None
        if now > int(expires):
            raise Unauthorized("the time to edit this comment is over", code="edit_expired")
        return int(comment_id)

    def session(self, moderator_id: int) -> str:
        return self._session.dumps({"m": moderator_id, "n": secrets.token_urlsafe(8)})

    def read_session(self, value: str, max_age: int) -> dict[str, Any] | None:
        try:
            data = self._session.loads(value, max_age=max_age)
        except BadSignature:
            return None
        return data if isinstance(data, dict) and "m" in data else None

    def csrf(self, session_value: str) -> str:
        """A per-session CSRF token: derived from the session cookie, so nothing is stored."""
        return hmac.new(self._secret, b"csrf:" + session_value.encode(), hashlib.sha256).hexdigest()

    def check_csrf(self, session_value: str, token: str) -> bool:
        return hmac.compare_digest(self.csrf(session_value), token or "")


def hash_api_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
