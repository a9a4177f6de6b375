"""Following an article by mail: double opt-in, confirmation, one-click unsubscribe.

Links carry values signed with the instance's secret, each kind with its own salt: a
confirmation expires (notify.confirm_ttl); an unsubscribe link does not. Answers never
tell whether an address was already subscribed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from parvis.domain.moderator import AlertKind
from parvis.domain.thread import Thread
from parvis.errors import Invalid, NotFound
from parvis.infra.i18n import LANGUAGES
from parvis.notify.mail import render
from parvis.services import mails
from parvis.services.limits import enforce_rate_limit
from parvis.services.runtime import Runtime
from parvis.services.validation import (
    check_new_uri,
    clean_email,
    clean_uri,
    page_on_site,
    title_from_uri,
)
from parvis.store import alerts, outbox, subscriptions, threads

FOLLOW_LIMIT = (10, 3600)  # follow requests per client, per hour
MAILS_PER_ADDRESS = (3, 3600)  # confirmation mails per address, per hour


class Mode(StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"


class Scope(StrEnum):
    FOLLOW = "f"  # a subscription to an article
    REPLIES = "r"  # the replies to one comment
    ALERT = "m"  # a moderator's alert


@dataclass(frozen=True, slots=True)
class Confirmed:
    thread: Thread
    back: str | None  # the article on the publisher's site: its registered address, or
    # the page the reader followed it from


@dataclass(frozen=True, slots=True)
class Unsubscribed:
    scope: Scope
    thread: Thread | None  # the article, when there is one to go back to


def _signer(rt: Runtime, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(rt.settings.security.secret_key, salt=salt)


def unsubscribe_link(rt: Runtime, scope: Scope, *ids: Any) -> str:
    token = _signer(rt, "parvis.unsubscribe").dumps([scope.value, *ids])
    return mails.public(rt, "/unsubscribe", t=token)


def _confirm_link(rt: Runtime, subscription_id: int, mode: Mode) -> str:
    expires = int(rt.now().timestamp()) + rt.settings.notify.confirm_ttl
    token = _signer(rt, "parvis.follow.confirm").dumps([subscription_id, mode.value, expires])
    return mails.public(rt, "/follow/confirm", t=token)


def clean_mode(value: str | None) -> Mode:
    try:
        return Mode(value or Mode.IMMEDIATE.value)
    except ValueError:
        raise Invalid("choose immediate mails or a daily digest", field="mode") from None


def follow(
    rt: Runtime,
    uri: str,
    email: str | None,
    mode: str | None,
    lang: str | None,
    client: str,
    page: str | None = None,
) -> None:
    """Ask to follow an article: a confirmation mail goes to the address, nothing else yet.
    `page` is where the reader asked from (kept only when on the publisher's site)."""
    uri = clean_uri(rt, uri)
    page = page_on_site(rt, page)
    address = clean_email(email)
    if address is None:
        raise Invalid("please give your e-mail address", field="email", code="email_missing")
    local, _, domain = address.rpartition("@")
    address = f"{local}@{domain.lower()}"  # domains are case-insensitive: one subscription
    chosen = clean_mode(mode)
    lang = lang if lang in LANGUAGES else rt.settings.site.language
    enforce_rate_limit(rt, f"follow:{rt.client_hash(client)}", *FOLLOW_LIMIT)
    enforce_rate_limit(rt, f"follow-mail:{rt.client_hash(address.lower())}", *MAILS_PER_ADDRESS)
    now = rt.now()
    with rt.db.write() as conn:
        thread = threads.get_by_uri(conn, uri)
        if thread is None:  # following an article nobody has commented yet
            check_new_uri(rt, uri)
            thread = threads.get_or_create(conn, uri, title_from_uri(uri), now)
        sub = subscriptions.add(conn, thread.id, address, chosen.value, lang, now, page)
        subscription_id = sub.id
        if sub.confirmed is None:  # asked again before confirming: the link's life restarts
            subscriptions.renew(conn, subscription_id, lang, now)
        hours = rt.settings.notify.confirm_ttl // 3600
        content = mails.confirm(rt, lang, thread, _confirm_link(rt, subscription_id, chosen), hours)
        outbox.enqueue(conn, [render("confirm", address, content)], now)


def read_confirmation(rt: Runtime, token: str) -> tuple[int, Mode]:
    try:
        subscription_id, mode, expires = _signer(rt, "parvis.follow.confirm").loads(token)
        chosen = Mode(mode)
    except (BadSignature, ValueError, TypeError):
        raise Invalid("this confirmation link is not valid", field="t", code="bad_link") from None
    if rt.now().timestamp() > int(expires):
        raise Invalid(
            "this confirmation link has expired; please ask to follow the article again",
            field="t",
            code="link_expired",
        )
    return int(subscription_id), chosen


def confirm(rt: Runtime, token: str) -> Confirmed:
    """Follow the link from the confirmation mail: the address is now subscribed."""
    subscription_id, mode = read_confirmation(rt, token)
    with rt.db.write() as conn:
        subscription = subscriptions.get(conn, subscription_id)
        if subscription is None:  # purged after the link expired, or unsubscribed
            raise NotFound("this subscription no longer exists", field="t")
        subscriptions.confirm(conn, subscription_id, mode.value, rt.now())
        thread = threads.get(conn, subscription.thread_id)
    assert thread is not None
    return Confirmed(thread, thread.url or subscription.page)


def read_unsubscribe(rt: Runtime, token: str) -> list[Any]:
    try:
        data = _signer(rt, "parvis.unsubscribe").loads(token)
        Scope(data[0])
    except (BadSignature, ValueError, TypeError, IndexError, KeyError):
        raise Invalid("this unsubscribe link is not valid", field="t", code="bad_link") from None
    return list(data)


def unsubscribe(rt: Runtime, token: str) -> Unsubscribed:
    """One click: the address leaves that subscription. Repeating it is harmless."""
    data = read_unsubscribe(rt, token)
    scope = Scope(data[0])
    thread: Thread | None = None
    with rt.db.write() as conn:
        if scope == Scope.FOLLOW:
            subscription = subscriptions.get(conn, int(data[1]))
            if subscription is not None:
                thread = threads.get(conn, subscription.thread_id)
                subscriptions.remove(conn, subscription.id)
        elif scope == Scope.REPLIES:
            subscriptions.set_notify_replies(conn, int(data[1]), False)
        else:
            alerts.set_kind(conn, int(data[1]), AlertKind(data[2]), False)
    return Unsubscribed(scope, thread)


def purge_unconfirmed(rt: Runtime) -> int:
    """Addresses whose confirmation link expired unused are deleted."""
    cutoff = rt.now() - timedelta(seconds=rt.settings.notify.confirm_ttl)
    with rt.db.write() as conn:
        return subscriptions.purge_unconfirmed(conn, cutoff)
