from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from parvis.cli.main import cli
from parvis.moderation.charter import default_charter_text


def test_check_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        'mode = "later"\n[[rules]]\nid = "spam"\nreview = 0.9\nreject = 0.2\nchecks = ["nope"]\n',
        "utf-8",
    )
    result = CliRunner().invoke(cli, ["charter", "check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:1: mode must be 'pre' or 'post'" in result.output
    assert f"{path}:5: rule 'spam': reject (0.2) is below review (0.9)" in result.output
    assert f"{path}:6: rule 'spam': unknown check 'nope'" in result.output
    assert "3 problem(s)" in result.output


def test_check_reports_toml_syntax_errors_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('[[rules]]\nid = "spam"\nreview = [0.5\n', "utf-8")
    result = CliRunner().invoke(cli, ["charter", "check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:3: TOML syntax error" in result.output or f"{path}:4: TOML" in result.output


def test_check_says_ok_for_a_good_file(tmp_path: Path) -> None:
    path = tmp_path / "charter.toml"
    path.write_text(default_charter_text(), "utf-8")
    result = CliRunner().invoke(cli, ["charter", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK")
    assert "5 rules (legal, violence, insult, language, spam)" in result.output


def test_show_prints_the_default_charter_and_its_public_wording() -> None:
    result = CliRunner().invoke(cli, ["charter", "show"])
    assert result.exit_code == 0
    assert result.output == default_charter_text()
    result = CliRunner().invoke(cli, ["charter", "show", "--lang", "fr"])
    assert "- ni insultes" in result.output
    assert "ni publicité" not in result.output  # the spam rule is not public
