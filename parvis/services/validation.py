"""Input rules shared by posting and checking: each refusal names its field."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from parvis.errors import Forbidden, Invalid
from parvis.services.runtime import Runtime

# Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is the
# follow-by-mail confirmation's job, not a regex's.
_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[^@\s<>\"']+\.[^@\s<>\"'.]{2,}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_uri(rt: Runtime, uri: str) -> str:
    uri = uri.strip()
    if not uri:
        raise Invalid("the article's URI is missing", field="uri")
    if len(uri) > 1024 or _CONTROL.search(uri):
        raise Invalid("the article's URI is not valid", field="uri")
    return uri


def check_new_uri(rt: Runtime, uri: str) -> None:
    prefixes = rt.settings.comments.allowed_uri_prefixes
    if prefixes and not any(uri.startswith(p) for p in prefixes):
        raise Forbidden("comments are not accepted for this address", code="uri_not_allowed")


def clean_author(rt: Runtime, author: str) -> str:
    author = " ".join(author.split())
    if not author:
        raise Invalid("please give a pseudonym", field="author", code="author_missing")
    if len(author) > rt.settings.comments.max_author_length:
        raise Invalid(
            "the pseudonym is too long ({limit} characters at most)",
            field="author",
            code="author_too_long",
            limit=rt.settings.comments.max_author_length,
        )
    if _CONTROL.search(author):
        raise Invalid("the pseudonym contains invalid characters", field="author")
    return author


def clean_text(rt: Runtime, text: str) -> str:
    text = _CONTROL.sub("", text.replace("\r\n", "\n")).strip()
    if not text:
        raise Invalid("the comment is empty", field="text", code="text_empty")
    limit = rt.settings.comments.max_length
    if len(text) > limit:
        raise Invalid(
            "the comment is too long ({length} characters, {limit} at most)",
            field="text",
            code="text_too_long",
            length=len(text),
            limit=limit,
        )
    return text


def clean_email(email: str | None) -> str | None:
    if email is None:
        return None
    email = email.strip()
    if not email:
        return None
    if len(email) > 254 or not _EMAIL.match(email):
        raise Invalid("the e-mail address is not valid", field="email", code="email_invalid")
    return email


def clean_article_url(url: str | None) -> str | None:
    """The article's public address, as the CMS gives it: an absolute http(s) URL."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    parts = urlsplit(url)
    if len(url) > 1024 or _CONTROL.search(url) or parts.scheme not in ("http", "https"):
        raise Invalid("the article's address must be an http or https URL", field="url")
    if not parts.netloc:
        raise Invalid("the article's address must be an http or https URL", field="url")
    return url


def page_on_site(rt: Runtime, url: str | None) -> str | None:
    """The page a reader came from, if it is on the publisher's site (one of
    `server.cors_origins`, or Parvis's own public URL): without its fragment. Anything
    else is dropped, so a link built from it never leads elsewhere."""
    if not url or len(url) > 1024 or _CONTROL.search(url):
        return None
    parts = urlsplit(url.strip())
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    public = urlsplit(rt.settings.server.public_url)
    allowed = {o.rstrip("/").lower() for o in rt.settings.server.cors_origins}
    allowed.add(f"{public.scheme}://{public.netloc}".lower())
    if parts.scheme not in ("http", "https") or origin not in allowed:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def title_from_uri(uri: str) -> str:
    """'/2025/08/15/canicule-les-villes/' -> 'Canicule les villes'."""
    last = [p for p in re.split(r"[/?#]", uri) if p and not p.isdigit()]
    words = re.sub(r"[-_]+|\.html?$", " ", last[-1] if last else uri).strip()
    return (words[:1].upper() + words[1:])[:300] or uri
