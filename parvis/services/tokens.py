"""Signed values handed to clients: page cursors, edit rights, moderator sessions, CSRF.

All are signed with the instance's secret (itsdangerous), each kind with its own
salt so one can never be replayed as another.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
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
        self._edit = _EditSigner(self._secret, b"parvis.edit")
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
        return self._edit.sign(comment_id, expires)

    def read_edit(self, value: str, now: int) -> int:
        signed = self._edit.unsign(value)
        if signed is None:
            raise Unauthorized("not allowed to change this comment", code="edit_denied")
        comment_id, expires = signed
        if now > expires:
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


_EDIT_PAYLOAD = re.compile(rb"\[(\d{1,19}),(\d{1,19})\]")


class _EditSigner:
    """Edit rights in itsdangerous' `URLSafeSerializer` format, byte for byte (so a token
    issued by either reads in both): `b64(json).b64(HMAC-SHA1(key, b64(json)))`, the key
    derived from the secret and the salt as itsdangerous does ("django-concat").

    The key schedule is done once: itsdangerous derives the key, builds the HMAC and goes
    through its JSON layer on every call (60 µs a token against 6 here), and every post
    hands out a token.
    """

    def __init__(self, secret: bytes, salt: bytes) -> None:
        key = hashlib.sha1(salt + b"signer" + secret).digest()
        self._mac = hmac.new(key, digestmod=hashlib.sha1)

    def _signature(self, payload: bytes) -> bytes:
        mac = self._mac.copy()
        mac.update(payload)
        return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=")

    def sign(self, comment_id: int, expires: int) -> str:
        payload = base64.urlsafe_b64encode(b"[%d,%d]" % (comment_id, expires)).rstrip(b"=")
        return (payload + b"." + self._signature(payload)).decode("ascii")

    def unsign(self, token: str) -> tuple[int, int] | None:
        """(comment id, expiry) when the signature holds, else None."""
        try:
            payload, _, signature = token.encode("ascii").rpartition(b".")
            if not payload or not hmac.compare_digest(self._signature(payload), signature):
                return None
            data = base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4))
        except (UnicodeEncodeError, binascii.Error, ValueError):
            return None
        match = _EDIT_PAYLOAD.fullmatch(data)
        return (int(match[1]), int(match[2])) if match else None


def hash_api_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
