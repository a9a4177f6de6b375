"""Comment source -> safe HTML, once at write time.

The subset readers get: paragraphs, line breaks, emphasis, quotes and links
(rel="nofollow ugc"). markdown-it parses it (linkify-it finds bare URLs); nh3
(ammonia) is the safety net that strips anything else, whatever the parser let through.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("zero", {"breaks": True, "linkify": True, "html": False}).enable(
    ["emphasis", "blockquote", "link", "autolink", "linkify", "newline", "escape", "backticks"]
)

_TAGS = {"p", "br", "em", "strong", "blockquote", "a", "code"}
_ATTRIBUTES = {"a": {"href"}}


def render(source: str) -> str:
    return nh3.clean(
        _md.render(source),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener",
    ).strip()
