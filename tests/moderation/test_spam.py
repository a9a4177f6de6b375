from __future__ import annotations

import pytest

from parvis.domain.verdict import CheckContext
from parvis.moderation.checks.spam import SpamCheck, shingles

REVIEW = 0.6  # the default charter's review threshold for `spam`


@pytest.fixture(scope="module")
def spam() -> SpamCheck:
    return SpamCheck()


def test_an_ordinary_comment_is_not_spam(spam: SpamCheck) -> None:
    text = "Je ne suis pas d'accord : l'article oublie la moitié des chiffres de 2023 (12,5 %)."
    assert spam.check(text, CheckContext()).score == 0.0


def test_one_link_to_a_source_stays_below_review(spam: SpamCheck) -> None:
    text = (
        "La source est ici : https://www.insee.fr/fr/statistiques/1234 pour ceux que ça intéresse."
    )
    result = spam.check(text, CheckContext())
    assert 0 < result.score < REVIEW
    (link,) = result.evidence
    assert link.text == "https://www.insee.fr/fr/statistiques/1234"
    assert text[link.start : link.end] == link.text


def test_shortened_links_and_promotion_are_spam(spam: SpamCheck) -> None:
    text = "Gagnez de l'argent facile, cliquez ici bit.ly/3xYz et www.promo-casino.com !"
    result = spam.check(text, CheckContext())
    assert result.score >= REVIEW
    notes = {e.text: e.note for e in result.evidence}
    assert notes["bit.ly/3xYz"] == "Lien raccourci"
    assert notes["www.promo-casino.com"] == "Lien"


def test_phone_numbers_and_emails_add_up(spam: SpamCheck) -> None:
    text = "Promo exceptionnelle, appelez le 06 12 34 56 78 ou écrivez à vente@exemple.fr"
    result = spam.check(text, CheckContext())
    assert result.score >= REVIEW
    assert {e.note for e in result.evidence} >= {"Numéro de téléphone", "Adresse électronique"}


def test_shouting_is_flagged_with_its_span(spam: SpamCheck) -> None:
    text = "ARRÊTEZ DE NOUS PRENDRE POUR DES IMBÉCILES, TOUT LE MONDE LE SAIT"
    result = spam.check(text, CheckContext())
    assert result.score >= REVIEW
    assert any(e.note == "Texte en majuscules" and len(e.text) > 20 for e in result.evidence)


def test_a_few_capitals_are_not_shouting(spam: SpamCheck) -> None:
    text = "La SNCF et la RATP annoncent une grève, encore une fois pendant les vacances."
    assert spam.check(text, CheckContext()).score == 0.0


def test_repeated_words_and_characters_are_spam(spam: SpamCheck) -> None:
    assert spam.check("non non non non non non non non non", CheckContext()).score >= REVIEW
    result = spam.check("Nuuuuuuuuul cet article !!!!!!!!!!", CheckContext())
    assert result.score > 0
    assert any(e.note == "Caractère répété" for e in result.evidence)


def test_a_copy_of_a_recent_comment_is_spam(spam: SpamCheck) -> None:
    recent = (
        "Le gouvernement nous ment depuis le début, réveillez-vous avant qu'il soit trop tard !",
    )
    copy = "le gouvernement nous MENT depuis le début... réveillez vous avant qu'il soit trop tard"
    assert spam.check(copy, CheckContext(recent_texts=recent)).score >= 0.9
    other = "Je pense au contraire que le gouvernement a été transparent sur ce dossier."
    assert spam.check(other, CheckContext(recent_texts=recent)).score == 0.0


def test_short_replies_repeated_are_not_copies(spam: SpamCheck) -> None:
    assert spam.check("Bravo !", CheckContext(recent_texts=("Bravo !",))).score == 0.0


def test_posting_rate_counts(spam: SpamCheck) -> None:
    text = "Encore un commentaire."
    assert spam.check(text, CheckContext(author_recent_count=2)).score == 0.0
    assert spam.check(text, CheckContext(author_recent_count=30)).score >= REVIEW


def test_shingles_ignore_case_accents_and_punctuation() -> None:
    assert shingles("Élan, VITAL et joie !") == shingles("elan vital... et JOIE")
