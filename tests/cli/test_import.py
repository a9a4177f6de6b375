"""`parvis import`: what it prints while it works and at the end."""

from __future__ import annotations

import io
import json
import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from parvis.cli import importing
from parvis.cli.main import cli
from parvis.services.runtime import Runtime


def lines(n: int, start: int = 1) -> bytes:
    return b"".join(
        json.dumps(
            {
                "id": i,
                "uri": f"/a{i % 3}",
                "author": f"Auteur {i}",
                "text": f"Texte {i}.",
                "created": 1704685717.0 + i,
            }  # fmt: skip
        ).encode()
        + b"\n"
        for i in range(start, start + n)
    )


def test_progress_goes_to_stderr_batch_by_batch_when_it_is_not_a_terminal(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "LOG_EVERY", 0.0)
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(lines(7))
    result = CliRunner().invoke(cli, ["import", str(path), "--db", db_url, "--batch-size", "3"])
    assert result.exit_code == 0, result.output
    progress = [line.split() for line in result.stderr.splitlines()]
    assert [p[0] for p in progress] == ["3", "6", "7", "7"]
    assert result.stderr.splitlines()[-1].endswith("comments; building the indexes")
    assert result.stdout.startswith("imported 7 comments (3 new threads), skipped 0 bad lines")


def test_only_the_first_bad_lines_are_printed(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "MAX_REPORTED", 2)
    data = lines(2) + b"oops\n" * 4 + lines(1, start=3)
    result = CliRunner().invoke(cli, ["import", "-", "--db", db_url], input=data)
    assert result.exit_code == 0, result.output
    skipped = [line for line in result.stderr.splitlines() if "skipped:" in line]
    assert skipped == ["line 3: skipped: not a JSON object", "line 4: skipped: not a JSON object"]
    assert "(further bad lines are only counted)" in result.stderr
    assert "imported 3 comments (3 new threads), skipped 4 bad lines" in result.stdout


def test_the_progress_bar_follows_the_bytes_read(rt: Runtime) -> None:
    data = lines(5)
    report = importing._with_bar(rt, io.BytesIO(data), len(data), 2, None, lambda n, why: None)
    assert (report.imported, report.bytes, report.phase) == (5, len(data), "done")


def test_a_pipe_is_read_ahead_line_for_line() -> None:
    data = lines(3000) + b"no newline at the end"
    read, write = os.pipe()

    def produce() -> None:
        with open(write, "wb") as w:
            for i in range(0, len(data), 70_000):
                w.write(data[i : i + 70_000])

    producer = threading.Thread(target=produce)
    producer.start()
    with io.BufferedReader(importing._ReadAhead(read), 1 << 16) as stream:
        got = list(stream)
    producer.join()
    os.close(read)
    assert got == data.splitlines(keepends=True)


def test_worker_processes_can_be_asked_for(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(lines(9) + b"oops\n" + lines(3, start=10))
    args = ["import", str(path), "--db", db_url, "--batch-size", "2", "--workers", "2"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "line 10: skipped" in result.stderr
    assert "imported 12 comments (3 new threads), skipped 1 bad lines" in result.stdout
