from __future__ import annotations

import pytest

from parvis.domain.verdict import CheckContext
from parvis.moderation.checks.insult import InsultCheck

CTX = CheckContext()


def score(text: str) -> float:
    return InsultCheck().check(text, CTX).score


@pytest.mark.parametrize(
    "text",
    [
        "T'es qu'un connard.",
        "Bande de cons !",
        "Macron est un abruti.",
        "Espèce de c0nn@rd",
        "t es un c o n n a r d",
    ],
)
def test_insults_thrown_at_someone_are_flagged(text: str) -> None:
    assert score(text) >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "Il m'a traité de « connard » devant tout le monde.",
        "Le mot connard est-il vraiment une insulte ?",
        "Putain, quelle journée.",
        "Le débat d'hier soir était d'un niveau assez faible.",
    ],
)
def test_quoted_insults_and_plain_profanity_are_not(text: str) -> None:
    assert score(text) < 0.5


def test_thrown_insult_scores_above_quoted_one() -> None:
    assert score("T'es qu'un connard.") > score("Il m'a traité de « connard ».") + 0.3


def test_evidence_points_at_the_word_as_written() -> None:
    text = "Franchement, espèce de C0NN@RD, tu ne comprends rien."
    result = InsultCheck().check(text, CTX)
    assert [(e.text, text[e.start : e.end]) for e in result.evidence] == [("C0NN@RD", "C0NN@RD")]
    assert result.evidence[0].note.startswith("Insulte")
