"""Bans: an admin (or a moderator, when `moderation.moderators_may_ban` allows it) bars an
author by e-mail hash, pseudonym or network fingerprint (client hash), for a time or for
good; posting asks `screen` inside its write transaction.

Only keyed hashes of e-mail addresses are stored (like the client hash), so the bans
table never holds an address, yet a banned address is recognised when it comes back.

A ban should hit the author and nobody else: the form defaults to the e-mail address,
then the pseudonym. The network fingerprint is offered only when the client address is
the reader's own (`server.trusted_proxy`): otherwise every reader behind the publisher's
reverse proxy has the same one, and even then a household, an office or a mobile
operator shares it, so the form warns with how many pseudonyms used it.
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
from parvis.domain.queue import QueueOrder
from parvis.errors import Forbidden, Invalid, NotFound
from parvis.services import moderating
from parvis.services.moderating import Action
from parvis.services.runtime import Runtime
from parvis.store import audit, bans, comments

log = logging.getLogger(__name__)

# The durations offered on the page, in days; 0 is "for good".
DURATIONS = (1, 7, 30, 365, 0)
MAX_REASON = 500
PENDING_LOOKED_AT = 1000  # pending comments searched for the ones a new ban covers
SHARED_LOOKED_AT = 200  # recent comments of a fingerprint read to count its pseudonyms
_HEX = re.compile(r"^[0-9a-f]{16,64}$")


@dataclass(frozen=True, slots=True)
class BanRequest:
    kind: BanKind
    reason: str
    days: int = 0  # 0: for good
    comment_id: int | None = None  # take the value from this comment's author
    value: str = ""  # or give it: an e-mail, a pseudonym or a client hash
    reject_pending: bool = False  # also reject the pending comments the ban covers


@dataclass(frozen=True, slots=True)
class BanOutcome:
    id: int
    rejected: int  # pending comments rejected with it


@dataclass(frozen=True, slots=True)
class BanChoice:
    """One way of banning a comment's author, as the form offers it."""

    kind: BanKind
    pending: int  # the author's comments waiting in the queue that this ban covers
    shared_by: int = 0  # for a fingerprint: pseudonyms seen writing from it lately


@dataclass(frozen=True, slots=True)
class BanForm:
    comment: Comment
    choices: list[BanChoice]  # the kinds offered, the default first


def email_hash(rt: Runtime, email: str) -> str:
    key = rt.settings.security.secret_key.encode()
    message = b"email:" + email.strip().lower().encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def normalise_author(author: str) -> str:
    """'Jean-Pierre ' and 'jean pierre' and 'JÉAN_PIERRE' are one pseudonym."""
    decomposed = unicodedata.normalize("NFKD", author.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", letters)


def may_ban(rt: Runtime, moderator: Moderator) -> bool:
    return moderator.role == Role.ADMIN or rt.settings.moderation.moderators_may_ban


def require_ban_right(rt: Runtime, moderator: Moderator) -> None:
    if not may_ban(rt, moderator):
        raise Forbidden(
            "Only administrators may ban authors on this site. Ask an administrator to ban "
            "this author, or to let moderators ban (the setting moderation.moderators_may_ban).",
            code="ban_not_allowed",
        )


def fingerprint_trusted(rt: Runtime) -> bool:
    """Whether a comment's client hash is its reader's own address: only when Parvis reads
    it from the publisher's proxy (otherwise every reader behind it would share one)."""
    return rt.settings.server.trusted_proxy


def kinds_offered(rt: Runtime) -> list[BanKind]:
    """The kinds a ban can take here, the fairest first."""
    kinds = [BanKind.EMAIL, BanKind.AUTHOR]
    return [*kinds, BanKind.CLIENT] if fingerprint_trusted(rt) else kinds


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


def _keys(rt: Runtime, *, email: str | None, client: str, author: str) -> list[tuple[BanKind, str]]:
    """What a comment is recognised by: its fingerprint, pseudonym and e-mail address."""
    keys = [(BanKind.CLIENT, client), (BanKind.AUTHOR, normalise_author(author))]
    if email:
        keys.append((BanKind.EMAIL, email_hash(rt, email)))
    return keys


def _ban_on(
    rt: Runtime, conn: Connection, *, email: str | None, client: str, author: str
) -> Ban | None:
    return bans.matching(conn, _keys(rt, email=email, client=client, author=author), rt.now())


def _covered(rt: Runtime, conn: Connection, kind: BanKind, value: str) -> list[Comment]:
    """The pending comments a ban of this kind and value would refuse if posted now."""
    return [
        c
        for c in comments.pending(conn, PENDING_LOOKED_AT, order=QueueOrder.OLDEST)
        if (kind, value) in _keys(rt, email=c.email, client=c.client_hash, author=c.author)
    ]


def ban(rt: Runtime, moderator: Moderator, request: BanRequest) -> BanOutcome:
    require_ban_right(rt, moderator)
    reason = " ".join(request.reason.split())[:MAX_REASON]
    if not reason:
        raise Invalid("give a reason for the ban", field="reason", code="reason_missing")
    if request.days not in DURATIONS:
        raise Invalid("choose one of the offered durations", field="days")
    if request.kind not in kinds_offered(rt):
        raise Invalid(
            "a network fingerprint is shared by the readers behind one address: ban by "
            "e-mail address or pseudonym",
            field="kind",
            code="fingerprint_untrusted",
        )
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
        rejected = 0
        if request.reject_pending:
            for c in _covered(rt, conn, request.kind, value):
                moderating.decide_in(rt, conn, moderator, c.id, Action.REJECT, f"ban #{ban_id}")
                rejected += 1
    return BanOutcome(ban_id, rejected)


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
    require_ban_right(rt, moderator)
    now = rt.now()
    with rt.db.write() as conn:
        if bans.get(conn, ban_id) is None:
            raise NotFound("no such ban", field="id")
        if bans.lift(conn, ban_id, now, moderator.id):
            audit.record(conn, at=now, action="unban", moderator_id=moderator.id, note=f"#{ban_id}")


def active_bans(rt: Runtime, moderator: Moderator) -> list[Ban]:
    require_ban_right(rt, moderator)
    with rt.db.read() as conn:
        return bans.active(conn, rt.now())


def ban_form(rt: Runtime, moderator: Moderator, comment_id: int) -> BanForm:
    """The comment whose author is about to be banned, and the ways to ban them: by
    e-mail address when the comment has one, by pseudonym, by fingerprint only when it is
    the reader's own; each with the pending comments it covers."""
    require_ban_right(rt, moderator)
    with rt.db.read() as conn:
        comment = comments.get(conn, comment_id)
        if comment is None:
            raise NotFound("no such comment", field="comment")
        choices = []
        for kind in kinds_offered(rt):
            if kind == BanKind.EMAIL and not comment.email:
                continue  # no address on this comment
            value = _value_from_comment(rt, kind, comment.email, comment.client_hash)
            value = value or normalise_author(comment.author)
            seen = (
                comments.by_authors(conn, [value], [], SHARED_LOOKED_AT)
                if kind == BanKind.CLIENT
                else []
            )
            shared = len({normalise_author(c.author) for c in seen})
            choices.append(BanChoice(kind, len(_covered(rt, conn, kind, value)), shared))
    return BanForm(comment, choices)
