"""The errors Parvis raises on purpose. `web/errors.py` alone maps them to HTTP.

Cross-cutting: every layer raises them, and this module imports nothing of Parvis.

ParvisError
 ├── Invalid (400, field)      bad input a user can fix
 ├── Unauthorized (401)        no or bad credentials
 ├── Forbidden (403)           known user, not allowed
 ├── NotFound (404)
 ├── Conflict (409)            e.g. the thread is closed
 ├── PayloadTooLarge (413)
 └── RateLimited (429)
"""

from __future__ import annotations


class ParvisError(Exception):
    status = 400
    code = "error"

    def __init__(
        self,
        message: str,
        field: str | None = None,
        code: str | None = None,
        **params: object,
    ) -> None:
        # `message` is an English gettext msgid with {named} placeholders filled from
        # `params`; the web layer translates it into the reader's language.
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params = params
        self.field = field
        if code is not None:
            self.code = code


class Invalid(ParvisError):
    status = 400
    code = "invalid"


class Unauthorized(ParvisError):
    status = 401
    code = "unauthorized"


class Forbidden(ParvisError):
    status = 403
    code = "forbidden"


class NotFound(ParvisError):
    status = 404
    code = "not_found"


class Conflict(ParvisError):
    status = 409
    code = "conflict"


class PayloadTooLarge(ParvisError):
    status = 413
    code = "payload_too_large"


class RateLimited(ParvisError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int = 60, **params: object) -> None:
        super().__init__(message, None, None, **params)
        self.retry_after = retry_after
