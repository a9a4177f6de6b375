"""Mails as data, then as MIME: a text part and an HTML part from the same content.

Services describe a mail with `Content` (already translated); `render` turns it into the
text and HTML bodies stored in the outbox; `build_message` makes the MIME message the
worker sends. Readers' text is only ever put in the HTML through Jinja's autoescaping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape

from parvis.domain.mail import Mail, NewMail

QUOTE_LIMIT = 1200  # characters of a comment quoted in a mail


@dataclass(frozen=True, slots=True)
class Item:
    """A comment shown in a mail: who wrote it, what (plain text), where to read it."""

    heading: str
    text: str
    url: str


@dataclass(frozen=True, slots=True)
class Content:
    lang: str
    subject: str
    paragraphs: list[str]
    items: list[Item] = field(default_factory=list)
    action: tuple[str, str] | None = None  # (label, absolute URL)
    footer: str = ""
    unsubscribe: tuple[str, str] | None = None  # (label, absolute URL for GET and one-click POST)


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("parvis.notify", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def quote(text: str) -> str:
    text = text.strip()
    return text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT].rstrip() + " […]"


def render(kind: str, recipient: str, content: Content) -> NewMail:
    html = _env().get_template("mail.html").render(c=content)
    headers: dict[str, str] = {}
    if content.unsubscribe:
        headers["List-Unsubscribe"] = f"<{content.unsubscribe[1]}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return NewMail(kind, recipient, content.subject, _text(content), html, headers)


def _text(c: Content) -> str:
    parts: list[str] = list(c.paragraphs)
    for item in c.items:
        body = "\n".join("> " + line for line in item.text.splitlines() or [""])
        parts.append(f"{item.heading}\n{body}\n{item.url}")
    if c.action:
        parts.append(
            f"{c.action[0]} :\n{c.action[1]}"
            if c.lang == "fr"
            else f"{c.action[0]}:\n{c.action[1]}"
        )
    footer = [c.footer] if c.footer else []
    if c.unsubscribe:
        footer.append(
            f"{c.unsubscribe[0]} : {c.unsubscribe[1]}"
            if c.lang == "fr"
            else f"{c.unsubscribe[0]}: {c.unsubscribe[1]}"
        )
    if footer:
        parts.append("-- \n" + "\n".join(footer))
    return "\n\n".join(parts) + "\n"


def message_id(mail_id: int, public_url: str) -> str:
    """Stable for a row: a resend of the same mail carries the same Message-ID."""
    host = urlsplit(public_url).hostname or "localhost"
    return f"<outbox-{mail_id}@{host}>"


def build_message(mail: Mail, sender: str, public_url: str, now: datetime) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.recipient
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id(mail.id, public_url)
    msg["Auto-Submitted"] = "auto-generated"
    for name, value in mail.headers.items():
        msg[name] = value
    msg.set_content(mail.text, cte="quoted-printable")
    msg.add_alternative(mail.html, subtype="html", cte="quoted-printable")
    return msg
