"""Comment source -> safe HTML, once at write time.

The subset readers get: paragraphs, line breaks, emphasis, quotes and links
(rel="nofollow ugc"). markdown-it parses it (linkify-it finds bare URLs); nh3
(ammonia) is the safety net that strips anything else, whatever the parser let through.

Most comments are plain prose: words, spaces, line breaks and punctuation that mean
nothing to markdown, to HTML or to the link finder. For those, `render` builds the
same bytes directly (paragraphs and <br>), some 100 times faster; anything else takes
the full path. tests/services/test_rendering.py checks both agree on generated texts.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("zero", {"breaks": True, "linkify": True, "html": False}).enable(
    ["emphasis", "blockquote", "link", "autolink", "linkify", "newline", "escape", "backticks"]
)

_TAGS = {"p", "br", "em", "strong", "blockquote", "a", "code"}
_ATTRIBUTES = {"a": {"href"}}

# Characters with no meaning to the enabled markdown rules (no * _ ` [ ] < > \ &),
# none that markdown-it or nh3 escape or rewrite ('"' comes back out of nh3 as it went
# in), and no whitespace but the space and the line feed (markdown-it strips other
# Unicode spaces at paragraph ends). '/' and '@' are left out: they start links.
_WORDY = "0-9A-Za-z\u00c0-\u024f \n,;!?'\"’«»…()\\-+=%€$°“”‘–—#§"
# '.' and ':' only when a separator or the end follows them: "exemple.fr", "http:" or
# "3.5" could be (part of) a link, so they take the full path.
_SEPARATOR = " \n.,;:!?'\"’«»…()\\-"
_PLAIN = re.compile(f"(?:[{_WORDY}]++|[.:](?=[{_SEPARATOR}]|\\Z))*+")


def render(source: str) -> str:
    html = plain_html(source)
    return render_markdown(source) if html is None else html


def render_markdown(source: str) -> str:
    """The full path: markdown-it, then nh3."""
    return nh3.clean(
        _md.render(source),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener",
    ).strip()


def plain_html(source: str) -> str | None:
    """`render_markdown(source)` for plain prose, None for anything else.

    markdown-it's output for such text: blank lines (empty or spaces only) separate
    paragraphs, other line breaks become <br>, spaces around each line go.
    """
    if not _PLAIN.fullmatch(source):
        return None
    if "\n" not in source:
        source = source.strip(" ")
        return f"<p>{source}</p>" if source else ""
    paragraphs = []
    lines: list[str] = []
    for line in source.split("\n"):
        line = line.strip(" ")
        if line:
            lines.append(line)
        elif lines:
            paragraphs.append("<br>\n".join(lines))
            lines = []
    if lines:
        paragraphs.append("<br>\n".join(lines))
    return "<p>" + "</p>\n<p>".join(paragraphs) + "</p>" if paragraphs else ""
