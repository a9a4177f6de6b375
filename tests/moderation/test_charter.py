from __future__ import annotations

from pathlib import Path

import pytest

from parvis.domain.charter import RejectAction
from parvis.domain.thread import ModerationMode
from parvis.errors import Invalid
from parvis.moderation.charter import (
    CharterError,
    check_charter_text,
    load_charter,
    parse_charter_text,
)


def test_the_default_charter_has_the_design_rule_ids() -> None:
    charter = load_charter()
    assert [r.id for r in charter.rules] == ["legal", "violence", "insult", "language", "spam"]
    assert charter.mode is ModerationMode.PRE
    assert charter.auto_approve is False
    assert charter.intro_in("fr")
    assert charter.rule("language").wording_in("fr").startswith("des commentaires")  # type: ignore[union-attr]
    assert all(r.reject is None or r.reject >= r.review for r in charter.rules)


def test_a_valid_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "charter.toml"
    path.write_text(
        'mode = "post"\nauto_approve = true\nintro = "Soyez courtois."\n'
        '[[rules]]\nid = "language"\nreview = 0.4\nreject = 0.8\non_reject = "refuse"\n'
        'wording.fr = "en bon français"\n',
        "utf-8",
    )
    charter = load_charter(path)
    assert charter.mode is ModerationMode.POST and charter.auto_approve
    assert charter.intro == {"fr": "Soyez courtois."}
    (rule,) = charter.rules
    assert (rule.checks, rule.review, rule.reject) == (("language",), 0.4, 0.8)
    assert rule.on_reject is RejectAction.REFUSE


BAD = """\
mode = "sometimes"
auto_approve = "yes"
colour = "blue"

[[rules]]
id = "insult"
checks = ["insult"]
review = 1.5

[[rules]]
wording.fr = "sans identifiant"
checks = ["language"]

[[rules]]
id = "insult"
checks = ["insult", "sarcasm"]
review = 0.7
reject = 0.4
on_reject = "delete"
severity = 3
"""


def test_every_mistake_is_reported_with_its_line() -> None:
    problems = {(p.line, p.message.split(":")[0]) for p in check_charter_text(BAD)}
    lines = {p.line for p in check_charter_text(BAD)}
    messages = " | ".join(p.message for p in check_charter_text(BAD))
    assert lines >= {1, 2, 3, 8, 10, 15, 16, 18, 19, 20}, problems
    for expected in (
        "mode must be 'pre' or 'post'",
        "auto_approve must be true or false",
        "unknown key 'colour'",
        "review = 1.5 is outside [0, 1]",
        "has no id",
        "has no review threshold",
        "duplicate rule id 'insult'",
        "unknown check 'sarcasm'",
        "reject (0.4) is below review (0.7)",
        "on_reject must be 'hold' or 'refuse'",
        "unknown rule key 'severity'",
    ):
        assert expected in messages


def test_line_numbers_point_at_the_faulty_key() -> None:
    by_line = {p.line: p.message for p in check_charter_text(BAD)}
    assert "sarcasm" in by_line[16]
    assert "below review" in by_line[18]
    assert "severity" in by_line[20]
    assert "duplicate" in by_line[15]


def test_a_toml_syntax_error_has_its_line() -> None:
    (problem,) = check_charter_text('mode = "pre"\n\n[[rules]]\nid = "spam"\nreview = \n')
    assert problem.line == 5
    assert problem.message.startswith("TOML syntax error")


def test_a_charter_without_rules_is_an_error() -> None:
    (problem,) = check_charter_text('mode = "pre"\n')
    assert "at least one [[rules]]" in problem.message


def test_load_charter_raises_a_charter_error_listing_the_problems(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BAD, "utf-8")
    with pytest.raises(CharterError) as info:
        load_charter(path)
    assert isinstance(info.value, Invalid)
    assert len(info.value.problems) >= 10
    assert "line 16" in str(info.value)


def test_a_rule_without_checks_is_scored_by_the_check_of_its_name() -> None:
    with pytest.raises(CharterError):
        parse_charter_text('[[rules]]\nid = "spam"\nreview = 2\n')
    charter = parse_charter_text('[[rules]]\nid = "spam"\nreview = 0.6\n')
    assert charter.rules[0].checks == ("spam",)


def test_a_missing_file_is_a_charter_error(tmp_path: Path) -> None:
    with pytest.raises(CharterError):
        load_charter(tmp_path / "nope.toml")


def test_inline_tables_and_subtables_get_lines_too() -> None:
    text = (
        'intro = { fr = "Bonjour", en = 3 }\n'
        "[[rules]]\n"
        'id = "language"\n'
        "review = 0.5\n"
        "[rules.wording]\n"
        "fr = 1\n"
    )
    by_line = {p.line: p.message for p in check_charter_text(text)}
    assert "intro" in by_line[1]
    assert "wording" in by_line[5]
