from __future__ import annotations

import pytest

from parvis.domain.verdict import CheckContext
from parvis.moderation.checks.legal import LegalCheck

CTX = CheckContext()


def score(text: str) -> float:
    return LegalCheck().check(text, CTX).score


@pytest.mark.parametrize(
    "text",
    [
        "Les migrants sont des parasites.",
        "Les Noirs sont des singes.",
        "Tous les immigrés sont des violeurs.",
        "Sale bougnoule, dégage.",
        "Les juifs contrôlent les banques.",
        "Les musulmnas sont des rats.",
        "Lesmusulmans sont desrats.",
    ],
)
def test_hate_against_a_group_is_flagged(text: str) -> None:
    assert score(text) >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "Je suis musulman et fier de l'être.",
        "Je ne déteste pas les juifs.",
        "Dire que « les juifs sont des rats » est inacceptable.",
        "Une étude montre que les femmes subissent des discriminations à l'embauche.",
        "Je hais la pluie.",
        "Mais comment faire dans un contexte structurellement raciste ?",
    ],
)
def test_neutral_mentions_negations_and_counter_speech_are_not(text: str) -> None:
    assert score(text) < 0.5


def test_slur_evidence_has_a_note() -> None:
    result = LegalCheck().check("Dégage, sale bougnoule.", CTX)
    assert any(e.text == "sale bougnoule" and "groupe" in e.note for e in result.evidence)
