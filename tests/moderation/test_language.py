from __future__ import annotations

import pytest

from parvis.domain.verdict import CheckContext
from parvis.moderation.checks.language import LanguageCheck

REVIEW = 0.5  # the default charter's review threshold for `language`


@pytest.fixture(scope="module")
def language() -> LanguageCheck:
    return LanguageCheck()


def score(check: LanguageCheck, text: str, **context: object) -> float:
    return check.check(text, CheckContext(**context)).score  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "Je suis tout à fait d'accord avec l'auteur : cette réforme arrive beaucoup trop tard.",
        "Les élus auraient dû consulter les habitants avant de voter un tel projet.",
        "C'est la troisième fois cette année que la ligne est fermée pour travaux, "
        "et personne ne nous prévient jamais à l'avance. Les usagers méritent mieux.",
        "Merci pour cet article très complet.",
    ],
)
def test_clean_french_is_not_flagged(language: LanguageCheck, text: str) -> None:
    result = language.check(text, CheckContext())
    assert result.score < REVIEW
    assert result.evidence == ()


def test_typography_is_not_a_mistake(language: LanguageCheck) -> None:
    text = (
        'Il a dit "non" , puis il est parti... Quelle honte ! L\'affaire - encore une - '
        "montre que l'on n'apprend rien . Ça coûte 10000 euros ?"
    )
    assert score(language, text) == 0.0


def test_proper_nouns_capitalised_are_tolerated(language: LanguageCheck) -> None:
    text = "Xochitl Gálvez a rencontré Volodymyr Zelensky et Kyriakos Mitsotakis à Bruxelles."
    assert score(language, text) == 0.0


def test_names_from_the_article_are_tolerated(language: LanguageCheck) -> None:
    text = "Je ne comprends pas pourquoi le maire de kerzhinec refuse le projet de ploumanac."
    assert score(language, text) > 0.0  # unknown lowercase words without the article
    with_context = score(
        language,
        text,
        title="Kerzhinec : le projet de Ploumanac divise le conseil",
        article_text="Le maire de Kerzhinec a refusé le projet.",
    )
    assert with_context == 0.0


def test_english_quotation_inside_french_is_tolerated(language: LanguageCheck) -> None:
    text = (
        "Comme le disait Churchill, « never waste a good crisis », et le gouvernement "
        'semble l\'avoir bien compris. Le slogan "make our planet great again" est loin.'
    )
    assert score(language, text) < REVIEW


def test_a_whole_english_comment_is_flagged(language: LanguageCheck) -> None:
    text = "This is a great article, thank you so much for sharing it with us."
    result = language.check(text, CheckContext())
    assert result.score >= REVIEW
    (evidence,) = result.evidence
    assert (evidence.start, evidence.end) == (0, len(text))
    assert evidence.note == "Commentaire qui n'est pas en français (en)"


def test_a_spanish_comment_is_flagged(language: LanguageCheck) -> None:
    text = "No estoy de acuerdo con este artículo, el gobierno tiene toda la razón."
    assert score(language, text) >= REVIEW


def test_text_typed_without_accents_is_flagged(language: LanguageCheck) -> None:
    text = "Il a ete explique que la superiorite de cette methode etait deja connue."
    result = language.check(text, CheckContext())
    assert result.score >= REVIEW
    flagged = {e.text: e.suggestions for e in result.evidence}
    assert "déjà" in flagged["deja"]
    assert "supériorité" in flagged["superiorite"]


def test_two_mistakes_are_flagged_with_their_spans(language: LanguageCheck) -> None:
    text = "Les ministre ont pris une décision que personne n'a comprit hier soir."
    result = language.check(text, CheckContext())
    assert result.score >= REVIEW
    for e in result.evidence:
        assert text[e.start : e.end] == e.text
        assert e.note


def test_one_slip_in_a_long_comment_stays_below_review(language: LanguageCheck) -> None:
    text = (
        "Je lis ce journal depuis des années et je dois dire que cet article est "
        "particulièrement bien documenté. Les chiffres sont clairs, les sources sont "
        "citées et le propos reste nuancé. Dommage que la conclusion soit un peu rapide "
        "sur la question du financement, qui mériterait un article à lui tout sueul."
    )
    result = language.check(text, CheckContext())
    assert 0 < result.score < REVIEW


def test_homophone_confusions_are_flagged(language: LanguageCheck) -> None:
    text = "Il à oublié ses clés et ces parents sont venu le chercher a la gare."
    assert score(language, text) >= REVIEW


def test_links_numbers_mentions_and_abbreviations_are_tolerated(language: LanguageCheck) -> None:
    text = (
        "@dupont voir https://www.insee.fr/fr/statistiques/1234?x=y et le rapport p. 12, "
        "etc. Écrivez à contact@exemple.fr avant le 12/03/2024 à 14h30 #Municipales2026"
    )
    assert score(language, text) == 0.0


def test_acronyms_are_tolerated(language: LanguageCheck) -> None:
    assert score(language, "La CGT et la CFDT ont rencontré le MEDEF et la DGSI hier.") == 0.0


def test_empty_text_scores_zero(language: LanguageCheck) -> None:
    assert score(language, "   ") == 0.0


@pytest.mark.parametrize(
    ("text", "slip", "suggestion"),
    [
        ("Les papillons son visibles entre mai et juin dans toute la région.", "son", "sont"),
        ("Ils on mangé trop vite avant de repartir au travail.", "on", "ont"),
        ("Il a parlé de sont voyage pendant toute la soirée.", "sont", "son"),
        ("Quant il viendra, nous en reparlerons tranquillement.", "Quant", "quand"),
        ("Il faut attendre un peut avant de conclure quoi que ce soit.", "peut", "peu"),
        ("Je ne sais pas se qui lui a pris de partir aussi tôt.", "se", "ce"),
        ("Le vote a eu lieu hier est il a été adopté à une large majorité.", "est", "et"),
    ],
)
def test_homophone_slips_grammalecte_misses_are_found(
    language: LanguageCheck, text: str, slip: str, suggestion: str
) -> None:
    evidence = {e.text: e for e in language.check(text, CheckContext()).evidence}
    assert slip in evidence, evidence
    assert suggestion in [s.lower() for s in evidence[slip].suggestions]


def test_capitals_may_drop_their_accent_but_not_after_a_determiner(language: LanguageCheck) -> None:
    assert score(language, "Etat et Eglise sont séparés depuis 1905.") == 0.0
    result = language.check("Monsieur le President, je vous remercie.", CheckContext())
    assert [e.text for e in result.evidence] == ["President"]


def test_a_foreign_phrase_inside_french_is_not_a_string_of_typos(language: LanguageCheck) -> None:
    text = "Le Parti communiste d'Inde (Communist Party of India) est un parti politique indien."
    assert score(language, text) == 0.0


def test_a_typo_next_to_a_name_is_still_a_typo(language: LanguageCheck) -> None:
    result = language.check(
        "Plus tard, le Croatia Airlines rejiont les négociations.", CheckContext()
    )
    assert [(e.text, e.suggestions) for e in result.evidence] == [("rejiont", ("rejoint",))]


def test_the_same_unknown_word_twice_counts_once(language: LanguageCheck) -> None:
    once = score(language, "Le bivalirudine est prescrit aux patients.")
    twice = score(language, "Le bivalirudine est prescrit, et le bivalirudine est remboursé.")
    assert twice < REVIEW
    assert once > 0
