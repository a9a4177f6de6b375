from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from parvis.cli.main import cli

CHARTER = """\
[[rules]]
id = "language"
review = 0.5
reject = 0.9

[[rules]]
id = "spam"
review = 0.6
reject = 0.95
"""

GOOD = [
    {"id": "a1", "text": "Je partage entièrement l'avis de l'auteur sur cette réforme."},
    {"id": 2, "text": "Les ministre ont pris une décision que personne n'a comprit hier soir."},
    {"id": "a3", "text": "This is a great article, thank you so much for sharing it with us all."},
]


@pytest.fixture(scope="module")
def charter(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("charter") / "charter.toml"
    path.write_text(CHARTER, "utf-8")
    return str(path)


def run(charter: str, stdin: str | bytes, *args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["moderate", "--charter", charter, *args], input=stdin)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_good_lines_get_verdicts_in_input_order(charter: str) -> None:
    stdin = "\ufeff" + "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in GOOD)
    out = run(charter, stdin)
    assert [o["id"] for o in out] == ["a1", 2, "a3"]
    assert [o["decision"] for o in out] == ["approve", "review", "reject"]
    assert out[0] == {
        "id": "a1",
        "decision": "approve",
        "flags": [],
        "scores": {"language": 0.0, "spam": 0.0},
    }
    evidence = out[1]["flags"][0]["evidence"]  # type: ignore[index]
    assert {"text": "comprit", "suggestions": ["compris"]}.items() <= evidence[-1].items()


def test_output_keeps_non_ascii_characters(charter: str) -> None:
    stdin = json.dumps({"id": "é", "text": "Il etait deja la."}) + "\n"
    result = CliRunner().invoke(cli, ["moderate", "--charter", charter], input=stdin)
    assert '"id": "é"' in result.stdout
    assert "déjà" in result.stdout


def test_bad_lines_get_an_error_and_the_run_goes_on(charter: str) -> None:
    stdin = (
        b"not json\n"
        b"[1, 2]\n"
        b'{"id": "x"}\n'
        b'{"id": "y", "text": 5}\n'
        b"\n   \n"
        b'{"id": "z", "text": "Bonjour \xff"}\n'
        b'{"id": "c", "text": "Merci", "context": "nope"}\n'
        b'{"id": "ok", "text": "Merci pour cet article."}\n'
        + b"[" * 100_000
        + b"\n"
        + b'{"id": "last", "text": "Merci."}\n'
    )
    out = run(charter, stdin)
    assert [o["id"] for o in out] == [None, None, "x", "y", None, "c", "ok", None, "last"]
    assert out[0]["error"].startswith("invalid JSON")  # type: ignore[union-attr]
    assert out[1]["error"] == "expected a JSON object, got an array"
    assert out[2]["error"] == "missing field 'text'"
    assert out[3]["error"] == "field 'text' must be a string, got a number"
    assert "UTF-8" in out[4]["error"]  # type: ignore[operator]
    assert "context" in out[5]["error"]  # type: ignore[operator]
    assert out[6]["decision"] == "approve"
    assert out[7]["error"].startswith("invalid JSON")  # type: ignore[union-attr]


def test_title_and_context_feed_the_checks(charter: str) -> None:
    comment = {"id": 1, "text": "Le maire de kerzhinec et celui de ploumanac ont tort."}
    bare = run(charter, json.dumps(comment) + "\n")[0]
    comment["title"] = "Kerzhinec et Ploumanac fusionnent"
    titled = run(charter, json.dumps(comment) + "\n")[0]
    assert titled["scores"]["language"] < bare["scores"]["language"]  # type: ignore[index]
    copy = {"id": 2, "text": GOOD[0]["text"], "context": {"recent_texts": [GOOD[0]["text"]]}}
    assert run(charter, json.dumps(copy) + "\n")[0]["scores"]["spam"] >= 0.9  # type: ignore[index]


def test_jobs_accepts_auto_and_rejects_nonsense(charter: str) -> None:
    stdin = json.dumps(GOOD[0]) + "\n"
    assert run(charter, stdin, "--jobs", "1")[0]["decision"] == "approve"
    result = CliRunner().invoke(cli, ["moderate", "--charter", charter, "--jobs", "many"])
    assert result.exit_code == 2


def test_a_bad_charter_stops_with_its_problems(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[rules]]\nid = "language"\nreview = 3\n', "utf-8")
    result = CliRunner().invoke(cli, ["moderate", "--charter", str(path)], input="")
    assert result.exit_code == 1
    assert "line 3" in result.output


@pytest.mark.slow
def test_a_real_process_with_two_jobs_keeps_the_order(charter: str, tmp_path: Path) -> None:
    lines = []
    for i in range(150):
        comment = GOOD[i % 3] | {"id": i}
        lines.append(json.dumps(comment) if i % 10 != 7 else "{broken")
    stdin = "\n".join(lines) + "\n"
    cmd = [sys.executable, "-c", "from parvis.cli.main import cli; cli()"]
    proc = subprocess.run(
        [*cmd, "moderate", "--charter", charter, "--jobs", "2"],
        input=stdin.encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stderr == b""  # no progress display when stderr is not a terminal
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(out) == 150
    for i, o in enumerate(out):
        if i % 10 == 7:
            assert o["id"] is None and "error" in o
        else:
            assert o["id"] == i
            assert o["decision"] == ["approve", "review", "reject"][i % 3]
