"""The domain: plain data with the few rules that belong to it."""

from __future__ import annotations

from parvis.domain.charter import Charter, Rule
from parvis.domain.verdict import Decision, Evidence, Flag, Verdict
from parvis.moderation.charter import load_charter


def test_a_verdict_survives_its_json_form() -> None:
    verdict = Verdict(
        Decision.REVIEW,
        (Flag("language", 0.64, (Evidence(3, 6, "ete", "Mot inconnu", ("été", "êtes")),)),),
        {"language": 0.64, "insult": 0.02},
    )
    assert Verdict.from_dict(verdict.to_dict()) == verdict
    assert verdict.to_dict()["flags"][0]["evidence"][0]["suggestions"] == ["été", "êtes"]


def test_the_risk_of_a_verdict_is_its_highest_score() -> None:
    assert Verdict(Decision.APPROVE, (), {"legal": 0.1, "spam": 0.3}).risk == 0.3
    assert Verdict(Decision.APPROVE).risk == 0.0


def test_evidence_without_suggestions_has_no_suggestions_key() -> None:
    assert "suggestions" not in Evidence(0, 3, "con", "Insulte").to_dict()


def test_rule_wording_falls_back_to_french() -> None:
    rule = Rule("insult", {"fr": "ni insultes"}, ("insult",), 0.5, 0.9)
    assert rule.wording_in("en") == "ni insultes"


def test_the_default_charter_has_the_rule_ids_of_the_design() -> None:
    charter = load_charter()
    assert [r.id for r in charter.rules] == ["legal", "violence", "insult", "language", "spam"]
    assert "spam" not in [r.id for r in charter.public_rules()]
    assert charter.rule("insult") is not None and charter.rule("nope") is None
    assert isinstance(charter, Charter) and charter.intro_in("de") == charter.intro_in("fr")
