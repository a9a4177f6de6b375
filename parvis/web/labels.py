"""What the team's pages call the codes the database keeps: audit actions, statuses, ban
kinds, moderation modes, roles, report reasons, kinds of mail, and the notes the services
write in the audit log. One place, so that a French page never shows a raw code; the
browser tests fail when one does (tests/e2e/test_team_pages_accessibility.py).

A code with no name here is shown as it is: add its name when you add the code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from parvis.domain.charter import Charter
from parvis.infra.i18n import format_day


def _(message: str) -> str:
    """Marks a msgid for extraction; translated when a page is rendered."""
    return message


RULES = {
    "legal": _("Racism, unlawful"),
    "violence": _("Violence, hatred"),
    "insult": _("Insults"),
    "language": _("Spelling, language"),
    "spam": _("Spam"),
    "none": _("No flag"),
}
ACTIONS = {
    "approve": _("Approved"),
    "reject": _("Rejected"),
    "auto-approve": _("Approved by the charter"),
    "auto-reject": _("Refused by the charter"),
    "undo": _("Decision undone"),
    "report": _("Reader's report"),
    "report-hide": _("Hidden after readers' reports"),
    "reports-dismiss": _("Reports closed, comment kept"),
    "reports-remove": _("Removed after reports"),
    "ban": _("Author banned"),
    "unban": _("Ban lifted"),
    "close": _("Comments closed"),
    "reopen": _("Comments reopened"),
    "mode": _("Moderation mode changed"),
    "moderator-add": _("Team member added"),
    "moderator-role": _("Role changed"),
    "moderator-disable": _("Account disabled"),
    "moderator-enable": _("Account enabled"),
}
COMMENT_STATUSES = {
    "published": _("published"),
    "rejected": _("rejected"),
    "pending": _("pending"),
    "deleted": _("deleted by its author"),
}
MAIL_STATUSES = {
    "pending": _("waiting to be sent"),
    "sending": _("being sent"),
    "sent": _("sent"),
    "dead": _("could not be sent"),
}
MAIL_KINDS = {
    "confirm": _("follow confirmation"),
    "comment": _("new comment"),
    "reply": _("reply"),
    "digest": _("daily digest"),
    "alert": _("moderators' alert"),
}
BAN_KINDS = {
    "email": _("e-mail address"),
    "client": _("network fingerprint"),
    "author": _("pseudonym"),
}
MODES = {
    "pre": _("pre-moderation"),
    "post": _("post-moderation"),
    "default": _("the charter's default"),
}
ROLES = {"moderator": _("moderator"), "admin": _("administrator")}
REPORT_REASONS = {"spam": _("spam or advertising"), "other": _("another reason")}
# Who did what, when no team member did: a reader, the readers' reports, or the charter.
BY_READERS = {"report": _("a reader"), "report-hide": _("readers' reports")}
AUTOMATIC = _("automatic")

_TABLES = {
    "rule": RULES,
    "action": ACTIONS,
    "status": COMMENT_STATUSES,
    "mail": MAIL_STATUSES,
    "mail-kind": MAIL_KINDS,
    "ban": BAN_KINDS,
    "mode": MODES,
    "role": ROLES,
    "reason": REPORT_REASONS,
}

# The notes the services write for their own actions (older entries have the same form).
_BAN_NOTE = re.compile(r"^#(\d+) (\w+) → (\S+?): ?(.*)$", re.S)  # services/bans.py
_COUNT_NOTE = re.compile(r"^(\d+) signalements$")  # services/reporting.py
_BANNED_NOTE = re.compile(r"^ban #(\d+)$")  # a comment rejected with its author's ban
_MEMBER_NOTE = re.compile(r"^(.*) \((moderator|admin)\)$", re.S)  # services/accounts.py
_MACHINE_NOTES = {"charte", "sans signalement"}  # checking.py, and bulk approvals before 0013


@dataclass(frozen=True, slots=True)
class Labels:
    """The names in one language; templates call it as `label(kind, code)`."""

    gettext: Callable[[str], str]
    ngettext: Callable[[str, str, int], str]
    charter: Charter
    lang: str

    def __call__(self, kind: str, code: str | None) -> str:
        if code is None:
            return ""
        name = _TABLES[kind].get(code)
        if kind == "rule" and name is None:
            name = REPORT_REASONS.get(code)  # a reader's report gives its reason as the rule
        if name is not None:
            return self.gettext(name)
        if kind == "rule" and (rule := self.charter.rule(code)) is not None:
            return rule.id  # a rule of the publisher's own charter: its id is its name
        return code

    def rules(self, ids: list[str]) -> dict[str, str]:
        return {i: self("rule", i) for i in ids}

    def who(self, moderator: str | None, action: str) -> str:
        if moderator:
            return moderator
        return self.gettext(BY_READERS.get(action, AUTOMATIC))

    def note(self, action: str, note: str | None) -> Markup:
        """An entry's note in words: what the services wrote for themselves is put in the
        page's language, what a person wrote is shown as they wrote it (escaped)."""
        if not note or note in _MACHINE_NOTES:
            return Markup("")
        _ = self.gettext
        if action == "ban" and (m := _BAN_NOTE.match(note)):
            ban_id, kind, until, reason = m.groups()
            scope = _("ban no. %(id)s, by %(kind)s") % {"id": ban_id, "kind": self("ban", kind)}
            end = (
                _("for good")
                if until == "∞"
                else _("until %(day)s") % {"day": format_day(date.fromisoformat(until), self.lang)}
            )
            return escape(f"{scope}, {end}") + (
                Markup(" — <q>%s</q>") % reason if reason else Markup("")
            )
        if action == "reject" and (m := _BANNED_NOTE.match(note)):
            return escape(_("with ban no. %(id)s") % {"id": m.group(1)})
        if action == "unban" and note.startswith("#") and note[1:].isdigit():
            return escape(_("ban no. %(id)s") % {"id": note[1:]})
        if action == "undo" and note in ACTIONS:
            return escape(_("took back: %(action)s") % {"action": self("action", note)})
        if action == "mode":
            return escape(self("mode", note))
        if m := _COUNT_NOTE.match(note):
            n = int(m.group(1))
            return escape(self.ngettext("%(num)d report", "%(num)d reports", n) % {"num": n})
        if action in ("moderator-add", "moderator-role") and (m := _MEMBER_NOTE.match(note)):
            return escape(f"{m.group(1)} ({self('role', m.group(2))})")
        return escape(note)
