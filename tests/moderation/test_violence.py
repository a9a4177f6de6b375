from __future__ import annotations

import pytest

from parvis.domain.verdict import CheckContext
from parvis.moderation.checks.violence import ViolenceCheck

CTX = CheckContext()


def score(text: str) -> float:
    return ViolenceCheck().check(text, CTX).score


@pytest.mark.parametrize(
    "text",
    [
        "Qu'on les pende tous.",
        "Je vais te retrouver et te tuer.",
        "Crève, sale type.",
        "Il faut exterminer les gays.",
        "Je sais où tu habites.",
    ],
)
def test_threats_and_calls_to_violence_are_flagged(text: str) -> None:
    assert score(text) >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "Les bombardements ont fait 12 morts à Kharkiv dans la nuit.",
        "L'armée a frappé plusieurs cibles militaires.",
        "Je suis mort de rire.",
        "Le tireur a été condamné à trente ans de réclusion.",
    ],
)
def test_war_reporting_and_figures_of_speech_are_not(text: str) -> None:
    assert score(text) < 0.5


def test_threat_evidence_is_the_pattern() -> None:
    text = "Toi, je vais te retrouver."
    result = ViolenceCheck().check(text, CTX)
    assert result.evidence and result.evidence[0].text == "je vais te retrouver"
