"""Rendering: the plain-prose fast path gives byte for byte what markdown-it + nh3 give."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from parvis.services.rendering import plain_html, render, render_markdown

# Pieces that mean something to markdown, HTML, the link finder or the paragraph rules,
# mixed with prose, so that generated texts often sit right at the fast path's border.
TOKENS = [
    *"abcXYZ019éÀŒœ ’«»…,;!?'\"()-+=%€$°“”‘–—#§.:",
    *"*_`[]<>&\\/@~|^{}",
    "\n",
    "\n\n",
    "\n\n\n",
    "  \n",
    " \n ",
    "\t",
    "\r",
    "\r\n",
    "\x00",
    "\u00a0",
    "\u2003",
    "\u3000",
    "\u2028",
    "\x85",
    "\x0c",
    "\ufeff",
    "日本",
    "мир",
    "🙂",
    "1. ",
    "2) ",
    "- ",
    "+ ",
    "> ",
    "# ",
    "---",
    "===",
    "    ",
    "www.",
    "exemple.fr",
    "www.exemple.fr",
    "http://exemple.fr/a?b=c",
    "https:",
    "mailto:a@b.fr",
    "a@exemple.fr",
    "3.5",
    "fin. ",
    "&amp;",
    "&#169;",
    "<b>",
    "</p>",
    "[lien](http://x.fr)",
    "**gras**",
    "_a_",
    "`code`",
    "Le gouvernement oublie la réalité du terrain",
]
MIXED = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)
PROSE = st.lists(
    st.sampled_from([*"abcéàô XYZ019’«»…,;!?'\"()-", "\n", "\n\n", "  \n", " . ", ". ", ": "]),
    max_size=60,
).map("".join)


@settings(max_examples=3000)
@given(MIXED)
@example("a  \nb")
@example("\n \n a \n\n\n b \n")
@example("exemple.fr")
@example("fin.\nSuite : oui.")
def test_the_fast_path_matches_markdown_on_mixed_texts(source: str) -> None:
    fast = plain_html(source)
    assert fast is None or fast == render_markdown(source)


@settings(max_examples=1000)
@given(PROSE)
def test_the_fast_path_matches_markdown_on_prose(source: str) -> None:
    fast = plain_html(source)
    assert fast is None or fast == render_markdown(source)


@settings(max_examples=500)
@given(st.text(max_size=200))
def test_render_matches_markdown_on_any_text(source: str) -> None:
    assert render(source) == render_markdown(source)


@pytest.mark.parametrize(
    "source",
    [
        "Franchement, le gouvernement oublie la réalité du terrain.",
        "Qui va payer au final ?\n\nÀ suivre… « Tout est dit. »",
        "Soyons honnêtes : l’Europe exagère, à mon humble avis !\nBravo.",
        "  espaces autour  \n\n\n  et lignes vides  ",
        "Il y a 20 % de hausse (+3 €), — dit-il — n°1 « #2 » § 4.",
    ],
)
def test_plain_prose_takes_the_fast_path(source: str) -> None:
    assert plain_html(source) == render_markdown(source)


@pytest.mark.parametrize(
    "source",
    [
        "voir exemple.fr",
        "http://exemple.fr",
        "écrire à a@exemple.fr",
        "3.5 millions",
        "un *mot*",
        "a < b & c",
        "> citation",
        "tab\there",
        "espace\u00a0insécable",
    ],
)
def test_markup_links_and_odd_spaces_take_the_full_path(source: str) -> None:
    assert plain_html(source) is None
    assert render(source) == render_markdown(source)
