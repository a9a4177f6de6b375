"""Bans: an admin bars an author by e-mail hash, client hash or pseudonym, for a time or
for good; posting asks `check` inside its write transaction.

Only keyed hashes of e-mail addresses are stored (like the client hash), so the bans
table never holds an address, yet a banned address is recognised when it comes back.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection

from parvis.domain.ban import Ban, BanKind
from parvis.domain.charter import BanAction
from parvis.domain.comment import Comment, CommentStatus
from parvis.domain.moderator import Moderator, Role
from parvis.errors import Forbidden, Invalid, NotFound
from parvis.services.runtime import Runtime
from parvis.store import audit, bans, comments

log = logging.getLogger(__name__)

# The durations offered on the page, in days; 0 is "for good".
DURATIONS = (1, 7, 30, 365, 0)
MAX_REASON = 500
_HEX = re.compile(r"^[0-9a-f]{16,64}$")


@dataclass(frozen=True, slots=True)
class BanRequest:
    kind: BanKind
    reason: str
    days: int = 0  # 0: for good
    comment_id: int | None = None  # take the value from this comment's author
    value: str = ""  # or give it: an e-mail, a pseudonym or a client hash


def email_hash(rt: Runtime, email: str) -> str:
    key = rt.settings.security.secret_key.encode()
    message = b"email:" + email.strip().lower().encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def normalise_author(author: str) -> str:
    """'Jean-Pierre ' and 'jean pierre' and 'JÉAN_PIERRE' are one pseudonym."""
    decomposed = unicodedata.normalize("NFKD", author.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", letters)


def require_admin(moderator: Moderator) -> None:
    if moderator.role != Role.ADMIN:
        raise Forbidden("only administrators may do this", code="admin_only")


def screen(
    rt: Runtime,
    conn: Connection,
    status: CommentStatus,
    *,
    email: str | None,
    client: str,
    author: str,
) -> CommentStatus:
    """The status a new comment gets once bans are applied. Called by
    `posting.post_comment` inside its write transaction. A banned author is refused with a
    neutral message (nothing says why), or held for a moderator, per the charter."""
    ban = _ban_on(rt, conn, email=email, client=client, author=author)
    if ban is None:
        return status
    log.info("comment by a banned author (ban %d): %s", ban.id, rt.charter.ban_action.value)
    if rt.charter.ban_action == BanAction.REFUSE:
        raise Forbidden("Your comment could not be published.", code="not_published")
    return CommentStatus.PENDING if status == CommentStatus.PUBLISHED else status


def held(rt: Runtime, conn: Connection, comment: Comment) -> bool:
    """Whether a ban holds this comment for a moderator (its checks ran after posting)."""
    return (
        _ban_on(rt, conn, email=comment.email, client=comment.client_hash, author=comment.author)
        is not None
    )


def _ban_on(
    rt: Runtime, conn: Connection, *, email: str | None, client: str, author: str
) -> Ban | None:
    keys = [(BanKind.CLIENT, client), (BanKind.AUTHOR, normalise_author(author))]
    if email:
        keys.append((BanKind.EMAIL, email_hash(rt, email)))
    return bans.matching(conn, keys, rt.now())


def ban(rt: Runtime, moderator: Moderator, request: BanRequest) -> int:
    require_admin(moderator)
    reason = " ".join(request.reason.split())[:MAX_REASON]
    if not reason:
        raise Invalid("give a reason for the ban", field="reason", code="reason_missing")
    if request.days not in DURATIONS:
        raise Invalid("choose one of the offered durations", field="days")
    now = rt.now()
    expires = now + timedelta(days=request.days) if request.days else None
    with rt.db.write() as conn:
        thread_id: int | None = None
        author: str | None = None
        if request.comment_id is not None:
            comment = comments.get(conn, request.comment_id)
            if comment is None:
                raise NotFound("no such comment", field="comment")
            thread_id, author = comment.thread_id, comment.author
            value = _value_from_comment(rt, request.kind, comment.email, comment.client_hash)
            value = value or _value_for(rt, request.kind, comment.author)
        else:
            value = _value_for(rt, request.kind, request.value)
            author = request.value.strip()[:200] if request.kind == BanKind.AUTHOR else None
        ban_id = bans.add(
            conn,
            kind=request.kind,
            value=value,
            author=author,
            reason=reason,
            created=now,
            expires=expires,
            moderator_id=moderator.id,
        )
        until = expires.date().isoformat() if expires else "∞"
        audit.record(
            conn,
            at=now,
            action="ban",
            moderator_id=moderator.id,
            comment_id=request.comment_id,
            thread_id=thread_id,
            note=f"#{ban_id} {request.kind.value} → {until}: {reason}",
        )
    return ban_id


def _value_from_comment(
    rt: Runtime, kind: BanKind, email: str | None, client_hash: str
) -> str | None:
    if kind == BanKind.EMAIL:
        if not email:
            raise Invalid("this comment has no e-mail address", field="kind", code="no_email")
        return email_hash(rt, email)
    if kind == BanKind.CLIENT:
        return client_hash
    return None


def _value_for(rt: Runtime, kind: BanKind, given: str) -> str:
    given = given.strip()
    if kind == BanKind.EMAIL:
        if "@" not in given:
            raise Invalid("the e-mail address is not valid", field="value", code="email_invalid")
        return email_hash(rt, given)
    if kind == BanKind.CLIENT:
        if not _HEX.match(given):
            raise Invalid("a client hash has 16 to 64 hexadecimal digits", field="value")
        return given
    value = normalise_author(given)
    if not value:
        raise Invalid("please give a pseudonym", field="value", code="author_missing")
    return value


def lift(rt: Runtime, moderator: Moderator, ban_id: int) -> None:
    require_admin(moderator)
    now = rt.now()
    with rt.db.write() as conn:
        if bans.get(conn, ban_id) is None:
            raise NotFound("no such ban", field="id")
        if bans.lift(conn, ban_id, now, moderator.id):
            audit.record(conn, at=now, action="unban", moderator_id=moderator.id, note=f"#{ban_id}")


def active_bans(rt: Runtime, moderator: Moderator) -> list[Ban]:
    require_admin(moderator)
    with rt.db.read() as conn:
        return bans.active(conn, rt.now())


def comment_to_ban(rt: Runtime, moderator: Moderator, comment_id: int) -> Comment:
    """The comment whose author an admin is about to ban (for the form)."""
    require_admin(moderator)
    with rt.db.read() as conn:
        comment = comments.get(conn, comment_id)
    if comment is None:
        raise NotFound("no such comment", field="comment")
    return comment
