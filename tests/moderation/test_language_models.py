"""The compact forms of the language check's models answer as the originals do."""

from __future__ import annotations

import random

import pytest

from parvis.moderation.checks import language_grammalecte as french
from parvis.moderation.checks.language import LANGUAGES, _identifier
from parvis.moderation.checks.language_identifier import LanguageIdentifier


@pytest.fixture(scope="module")
def checker() -> french.French:
    return french.checker()


def _accent_index(checker: french.French) -> dict[str, tuple[str, ...]]:
    """The index the check used to build at start-up (40 MB): every lowercase word of
    the dictionary with accents, under its form without them, four at most."""
    index: dict[str, list[str]] = {}
    for flexion, _lemma, _morph in checker._spell.select():
        bare = french.strip_accents(flexion)
        if bare != flexion and flexion.islower():
            forms = index.setdefault(bare, [])
            if flexion not in forms and len(forms) < french.MAX_ACCENTED:
                forms.append(flexion)
    return {k: tuple(v) for k, v in index.items()}


def test_words_are_reaccented_from_the_dictionary_graph(checker: french.French) -> None:
    assert checker.accented("deja") == ("déjà",)
    assert checker.accented("superiorite") == ("supériorité",)
    assert checker.accented("coeur") == ("cœur",)  # "oe" typed for "œ"
    assert checker.accented("maison") == ()
    assert checker.accented("xqzw") == ()


@pytest.mark.slow
def test_reaccented_forms_are_those_of_a_full_index(checker: french.French) -> None:
    index = _accent_index(checker)
    keys = random.Random(5).sample(sorted(index), 3000)
    misses = [k[::-1] for k in keys[:500]] + [k + "x" for k in keys[:500]]
    for bare in keys + misses:
        assert checker._graph.accented(bare) == index.get(bare, ()), bare


TEXTS = [
    "This is a great article, thank you so much for sharing it with us.",
    "No estoy de acuerdo con este artículo, el gobierno tiene toda la razón.",
    "Das ist ein sehr guter Artikel über die Politik in Europa.",
    "Je suis tout à fait d'accord avec l'auteur de cet article.",
    "QUESTO ARTICOLO È MOLTO INTERESSANTE PER TUTTI NOI",
    "o governo não tem razão nenhuma neste assunto",
    "dit is een zeer goed artikel over de verkiezingen",
    "",
    "1234 !!! ???",
    "日本語のテキスト et un peu de français",
]


def test_the_language_identifier_answers_as_py3langid() -> None:
    from py3langid.langid import MODEL_FILE
    from py3langid.langid import LanguageIdentifier as Reference

    reference = Reference.from_model_file(MODEL_FILE, norm_probs=True)
    reference.set_languages(list(LANGUAGES))
    ours = _identifier()
    assert isinstance(ours, LanguageIdentifier)
    for text in TEXTS:
        assert ours.classify(text) == reference.classify(text), text


def test_unknown_languages_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown"):
        LanguageIdentifier(["fr", "xx"])
