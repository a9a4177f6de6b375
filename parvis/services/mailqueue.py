"""The admins' view of the outbox (dead mails, retry) and each moderator's alert choices."""

from __future__ import annotations

from parvis.domain.mail import Mail, MailStatus
from parvis.domain.moderator import AlertKind, AlertPrefs, Moderator, Role
from parvis.errors import Forbidden, Invalid, NotFound
from parvis.services.runtime import Runtime
from parvis.services.validation import clean_email
from parvis.store import alerts, moderators, outbox


def _admin(moderator: Moderator) -> None:
    if moderator.role != Role.ADMIN:
        raise Forbidden("only administrators may do this", code="admin_only")


def overview(
    rt: Runtime, moderator: Moderator, limit: int = 200
) -> tuple[dict[str, int], list[Mail]]:
    """Counts per status, and the dead mails, newest first."""
    _admin(moderator)
    with rt.db.read() as conn:
        return outbox.counts(conn), outbox.by_status(conn, MailStatus.DEAD, limit)


def retry(rt: Runtime, moderator: Moderator, mail_ids: list[int]) -> int:
    """Dead mails go back to the queue with a fresh count of attempts."""
    _admin(moderator)
    with rt.db.write() as conn:
        return outbox.revive(conn, mail_ids, rt.now())


def moderator_id(rt: Runtime, name: str) -> int:
    with rt.db.read() as conn:
        moderator = moderators.get_by_name(conn, name.strip())
    if moderator is None:
        raise NotFound("no moderator named {name}", field="name", name=name)
    return moderator.id


def alert_prefs(rt: Runtime, moderator_id: int) -> AlertPrefs:
    with rt.db.read() as conn:
        prefs = alerts.prefs(conn, moderator_id)
    if prefs is None:
        raise Invalid("no such moderator", field="name")
    return prefs


def set_alert_prefs(
    rt: Runtime, moderator_id: int, email: str | None, kinds: set[str] | frozenset[str]
) -> AlertPrefs:
    address = clean_email(email)
    try:
        chosen = frozenset(AlertKind(k) for k in kinds)
    except ValueError:
        raise Invalid("unknown alert", field="alerts") from None
    if chosen and address is None:
        raise Invalid("give an e-mail address to receive alerts", field="email")
    with rt.db.write() as conn:
        alerts.set_prefs(conn, moderator_id, address, chosen)
        prefs = alerts.prefs(conn, moderator_id)
    assert prefs is not None
    return prefs
