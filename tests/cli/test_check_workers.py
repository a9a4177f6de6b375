"""Real `parvis worker --queue checks` processes empty the moderation queue: two share it,
one is killed with SIGKILL in the middle, and every comment is still decided exactly once
(one automatic-approval audit row each, with auto-approval on)."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from parvis.moderation.charter import load_charter
from parvis.moderation.engine import get_engine
from parvis.services import checking, posting
from parvis.services.posting import CommentInput
from parvis.services.runtime import Runtime
from parvis.store import audit
from tests.conftest import SECRET

pytestmark = pytest.mark.slow

TEXTS = [
    "Merci pour cet article très clair sur la canicule, les villes doivent planter des arbres.",
    "Je me demande combien coûtent ces climatiseurs pour les écoles de la ville.",
    "Les maires ont raison d'ouvrir les gymnases la nuit pendant la canicule.",
    "Un bon reportage, on aimerait lire la suite sur les quartiers les plus touchés.",
]


def auto_approving_charter(tmp: Path) -> Path:
    default = Path(__file__).parents[2] / "parvis" / "moderation" / "default_charter.toml"
    charter = tmp / "charter.toml"
    charter.write_text(
        default.read_text().replace("auto_approve = false", "auto_approve = true", 1)
    )
    return charter


def start(tmp: Path, db_url: str, charter: Path, name: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PARVIS_DB": db_url,
        "PARVIS_SECURITY__SECRET_KEY": SECRET,
        "PARVIS_MODERATION__CHARTER": str(charter),
        "PARVIS_MODERATION__POLL_INTERVAL": "0.05",
        "PARVIS_MODERATION__LEASE": "3",  # what the killed one held comes back soon
    }
    env.pop("PARVIS_CONFIG", None)
    return subprocess.Popen(
        [sys.executable, "-c", "from parvis.cli.main import cli; cli()", "worker"]
        + ["--queue", "checks", "--name", name],
        env=env,
        cwd=tmp,
        stdout=(tmp / f"{name}.log").open("wb"),
        stderr=subprocess.STDOUT,
    )


def test_two_check_workers_one_killed_decide_every_comment_once(
    rt: Runtime, db_url: str, tmp_path: Path
) -> None:
    charter_path = auto_approving_charter(tmp_path)
    charter = load_charter(str(charter_path))
    mrt = dataclasses.replace(rt, charter=charter, moderate=get_engine(charter).moderate)
    ids = [
        posting.post_comment(
            mrt,
            # an article and an address each: no comment is a copy of a recent one (spam)
            CommentInput(uri=f"/a{i}", author=f"Lecteur {i}", text=TEXTS[i % len(TEXTS)]),
            f"192.0.2.{i}",
            trusted=True,
        ).id
        for i in range(120)
    ]
    assert checking.waiting(mrt) == 120
    doomed = start(tmp_path, db_url, charter_path, "doomed")
    survivor = start(tmp_path, db_url, charter_path, "survivor")
    try:
        deadline = time.monotonic() + 120
        while checking.waiting(mrt) > 90:  # the models are loaded and the work has begun
            assert time.monotonic() < deadline, (tmp_path / "doomed.log").read_text()
            time.sleep(0.05)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=20)
        while checking.waiting(mrt):
            assert time.monotonic() < deadline + 120, (tmp_path / "survivor.log").read_text()
            time.sleep(0.1)
    finally:
        for proc in (doomed, survivor):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=20)
    with rt.db.read() as conn:
        actions = Counter(
            entry.action for comment_id in ids for entry in audit.for_comment(conn, comment_id)
        )
        per_comment = Counter(
            comment_id for comment_id in ids for _ in audit.for_comment(conn, comment_id)
        )
    assert actions == {"auto-approve": 120}
    assert set(per_comment.values()) == {1}
