from __future__ import annotations

from pathlib import Path

import pytest

from parvis.domain.charter import Charter, Rule
from parvis.domain.verdict import CheckContext, Decision
from parvis.moderation.charter import load_charter
from parvis.moderation.checks.base import CheckUnavailable
from parvis.moderation.engine import Engine, get_engine

CHARTER = """\
[[rules]]
id = "language"
review = 0.5
reject = 0.9

[[rules]]
id = "spam"
review = 0.6

[[rules]]
id = "quality"
checks = ["language", "spam"]
review = 0.99
"""

CLEAN = "Je partage entièrement l'avis de l'auteur sur cette réforme des retraites."
NO_ACCENTS = "Il a ete explique que la superiorite de cette methode etait deja connue."
ENGLISH = "This is a great article, thank you so much for sharing it with all of us."


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    path = tmp_path_factory.mktemp("charter") / "charter.toml"
    path.write_text(CHARTER, "utf-8")
    return get_engine(load_charter(path))


def test_clean_text_is_approved_with_every_rule_scored(engine: Engine) -> None:
    verdict = engine.moderate(CLEAN)
    assert verdict.decision is Decision.APPROVE
    assert verdict.flags == ()
    assert set(verdict.scores) == {"language", "spam", "quality"}


def test_each_check_runs_once_even_when_two_rules_name_it(engine: Engine) -> None:
    assert list(engine.checks) == ["language", "spam"]


def test_a_rule_scores_the_max_of_its_checks(engine: Engine) -> None:
    verdict = engine.moderate(NO_ACCENTS)
    assert verdict.scores["quality"] == max(verdict.scores["language"], verdict.scores["spam"])


def test_a_flag_between_review_and_reject_asks_for_review(engine: Engine) -> None:
    text = "Les ministre ont pris une décision que personne n'a comprit hier soir."
    verdict = engine.moderate(text)
    assert 0.5 <= verdict.scores["language"] < 0.9
    assert verdict.decision is Decision.REVIEW
    (flag,) = verdict.flags
    assert flag.rule == "language" and flag.evidence


def test_reaching_reject_rejects(engine: Engine) -> None:
    verdict = engine.moderate(ENGLISH)
    assert verdict.decision is Decision.REJECT
    assert [f.rule for f in verdict.flags] == ["language", "quality"]


def test_spam_below_review_is_scored_but_not_flagged(engine: Engine) -> None:
    verdict = engine.moderate(CLEAN + " Source : https://www.insee.fr/fr/statistiques")
    assert 0 < verdict.scores["spam"] < 0.6
    assert verdict.decision is Decision.APPROVE


def test_context_reaches_the_checks(engine: Engine) -> None:
    context = CheckContext(recent_texts=(CLEAN,), author_recent_count=1)
    verdict = engine.moderate(CLEAN, context)
    assert verdict.scores["spam"] >= 0.9
    assert verdict.decision is Decision.REVIEW


def test_the_verdict_serialises_to_the_design_shape(engine: Engine) -> None:
    d = engine.moderate(NO_ACCENTS).to_dict()
    assert list(d) == ["decision", "flags", "scores"]
    flag = d["flags"][0]
    assert flag["rule"] == "language"
    assert {"start", "end", "text", "note"} <= set(flag["evidence"][0])


def test_engines_are_cached_per_charter(engine: Engine) -> None:
    assert get_engine(engine.charter) is engine


def test_a_charter_naming_an_unavailable_check_fails_clearly() -> None:
    charter = Charter(rules=(Rule("x", {}, ("nope",), 0.5, None),))
    with pytest.raises(CheckUnavailable, match="nope"):
        Engine(charter)


def test_threshold_equal_to_the_score_flags(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[[rules]]\nid = "spam"\nreview = 0.0\n', "utf-8")
    verdict = get_engine(load_charter(path)).moderate(CLEAN)
    assert verdict.decision is Decision.REVIEW
