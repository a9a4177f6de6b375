"""DESIGN §4: layers call downwards only, checked by import-linter's contracts in
pyproject.toml (also run by `make check`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter on the `parvis` package found first from `root`."""
    return subprocess.run(
        [str(LINT), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )


def test_the_package_keeps_its_layers() -> None:
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "parvis", tmp_path / "parvis", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("web/pages/home.py", "from parvis.store import comments", "through services only"),
        ("cli/users.py", "from parvis.notify import mail", "through services only"),
        ("store/comments.py", "from parvis.services import reading", "Layers call downwards"),
        ("store/comments.py", "from parvis.moderation import engine", "Layers call downwards"),
        ("domain/comment.py", "import parvis.store.db", "Layers call downwards"),
        ("config.py", "from parvis.domain import thread", "Cross-cutting"),
    ],
)
def test_an_import_across_the_layers_breaks_the_check(
    copy: Path, module: str, line: str, contract: str
) -> None:
    path = copy / "parvis" / module
    path.write_text(path.read_text("utf-8") + f"\n{line}  # noqa\n", "utf-8")
    result = lint(copy)
    assert result.returncode == 1, result.stdout
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in broken
