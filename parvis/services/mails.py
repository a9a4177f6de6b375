"""What each mail says, in the recipient's language. The outbox stores the result."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from parvis.domain.comment import Comment
from parvis.domain.thread import Thread
from parvis.infra.i18n import format_date, translations
from parvis.notify.mail import Content, Item, quote
from parvis.services.runtime import Runtime


def public(rt: Runtime, path: str, **query: object) -> str:
    """An absolute link on this instance (server.public_url)."""
    base = rt.settings.server.public_url.rstrip("/")
    return base + path + ("?" + urlencode(query) if query else "")


def comment_url(rt: Runtime, thread: Thread, comment_id: int) -> str:
    return public(rt, "/thread", uri=thread.uri) + f"#{comment_id}"


def _item(rt: Runtime, lang: str, thread: Thread, c: Comment) -> Item:
    _ = translations(lang).gettext
    when = format_date(c.created, lang, rt.settings.site.timezone)
    heading = _("{author}, {date}, #{id}").format(author=c.author, date=when, id=c.id)
    return Item(heading, quote(c.text), comment_url(rt, thread, c.id))


def confirm(rt: Runtime, lang: str, thread: Thread, link: str, hours: int) -> Content:
    _ = translations(lang).gettext
    return Content(
        lang=lang,
        subject=_("Confirm: follow the comments on “{title}”").format(title=thread.title),
        paragraphs=[
            _("Someone, probably you, asked to follow the comments on “{title}”.").format(
                title=thread.title
            ),
            _("Confirm with the link below; it expires in {hours} hours.").format(hours=hours),
            _("If you did not ask for this, ignore this mail: nothing will be sent to you."),
        ],
        action=(_("Confirm"), link),
        footer=rt.settings.site.name,
    )


def new_comment(
    rt: Runtime, lang: str, thread: Thread, comment: Comment, unsubscribe: str
) -> Content:
    _ = translations(lang).gettext
    return Content(
        lang=lang,
        subject=_("New comment on “{title}”").format(title=thread.title),
        paragraphs=[_("A new comment was published on “{title}”:").format(title=thread.title)],
        items=[_item(rt, lang, thread, comment)],
        action=(_("Read the discussion"), comment_url(rt, thread, comment.id)),
        footer=_("You follow the comments on this article."),
        unsubscribe=(_("Stop following this article"), unsubscribe),
    )


def reply(
    rt: Runtime, lang: str, thread: Thread, parent: Comment, comment: Comment, unsubscribe: str
) -> Content:
    _ = translations(lang).gettext
    return Content(
        lang=lang,
        subject=_("{author} replied to your comment").format(author=comment.author),
        paragraphs=[
            _("{author} replied to your comment #{id} on “{title}”:").format(
                author=comment.author, id=parent.id, title=thread.title
            )
        ],
        items=[_item(rt, lang, thread, comment)],
        action=(
            _("Reply"),
            public(rt, "/thread", uri=thread.uri, reply=comment.id) + "#parvis-form",
        ),
        footer=_("You asked to be told of the replies to this comment."),
        unsubscribe=(_("Stop the replies to this comment"), unsubscribe),
    )


def digest(
    rt: Runtime, lang: str, thread: Thread, items: Sequence[Comment], unsubscribe: str
) -> Content:
    t = translations(lang)
    return Content(
        lang=lang,
        subject=t.ngettext(
            "{n} new comment on “{title}”", "{n} new comments on “{title}”", len(items)
        ).format(n=len(items), title=thread.title),
        paragraphs=[
            t.gettext("The comments published since the last digest on “{title}”:").format(
                title=thread.title
            )
        ],
        items=[_item(rt, lang, thread, c) for c in items],
        action=(t.gettext("Read the discussion"), public(rt, "/thread", uri=thread.uri)),
        footer=t.gettext("You receive a daily digest of the comments on this article."),
        unsubscribe=(t.gettext("Stop following this article"), unsubscribe),
    )


def queue_alert(rt: Runtime, lang: str, pending: int, unsubscribe: str) -> Content:
    t = translations(lang)
    return Content(
        lang=lang,
        subject=t.ngettext(
            "{n} comment awaits moderation", "{n} comments await moderation", pending
        ).format(n=pending),
        paragraphs=[
            t.gettext("The moderation queue holds {n} comments (alert threshold: {limit}).").format(
                n=pending, limit=rt.settings.notify.queue_threshold
            )
        ],
        action=(t.gettext("Open the queue"), public(rt, "/mod/queue")),
        footer=t.gettext("You chose this alert; change your choices at {url}").format(
            url=public(rt, "/mod/alerts")
        ),
        unsubscribe=(t.gettext("Stop this alert"), unsubscribe),
    )


def wait_alert(rt: Runtime, lang: str, pending: int, minutes: int, unsubscribe: str) -> Content:
    t = translations(lang)
    return Content(
        lang=lang,
        subject=t.gettext("A comment has waited {minutes} minutes for moderation").format(
            minutes=minutes
        ),
        paragraphs=[
            t.gettext(
                "The oldest pending comment has waited {minutes} minutes; {n} comments wait."
            ).format(minutes=minutes, n=pending)
        ],
        action=(t.gettext("Open the queue"), public(rt, "/mod/queue", order="oldest")),
        footer=t.gettext("You chose this alert; change your choices at {url}").format(
            url=public(rt, "/mod/alerts")
        ),
        unsubscribe=(t.gettext("Stop this alert"), unsubscribe),
    )


def report_alert(
    rt: Runtime, lang: str, thread: Thread, comment: Comment, reason: str, unsubscribe: str
) -> Content:
    _ = translations(lang).gettext
    return Content(
        lang=lang,
        subject=_("A comment was reported on “{title}”").format(title=thread.title),
        paragraphs=[_("A reader reported this comment. Reason: {reason}").format(reason=reason)],
        items=[_item(rt, lang, thread, comment)],
        action=(_("Open the queue"), public(rt, "/mod/queue")),
        footer=_("You chose this alert; change your choices at {url}").format(
            url=public(rt, "/mod/alerts")
        ),
        unsubscribe=(_("Stop this alert"), unsubscribe),
    )
