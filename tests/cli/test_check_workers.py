"""Real processes empty the moderation queue. Two `parvis worker --queue checks` share it,
one is killed with SIGKILL in the middle, and every comment is still decided exactly once
(one automatic-approval audit row each, with auto-approval on). `parvis serve` runs its
own checker process, at a lower priority, restarted when it dies, stopped with the server;
its processes get at most two glibc heaps (MALLOC_ARENA_MAX)."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
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
from tests.e2e.conftest import free_port, parvis_command, running_parvis

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


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for kid in (task / "children").read_text().split():
            found += [int(kid), *_descendants(int(kid))]
    return found


def _checker_pids() -> list[int]:
    """`parvis serve`'s moderation queue process(es) under this test process."""
    pids = []
    for pid in _descendants(os.getpid()):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except FileNotFoundError:
            continue
        if b"--queue" in argv and b"checks" in argv:
            pids.append(pid)
    return pids


def _post(base: str, text: str) -> dict[str, object]:
    request = urllib.request.Request(
        base + "/api/v1/comments",
        data=json.dumps({"uri": "/serve", "author": "Lecteur", "text": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as res:
        body: dict[str, object] = json.loads(res.read())
    return body


def _outcome(base: str, posted: dict[str, object], timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        request = urllib.request.Request(
            f"{base}/api/v1/comments/{posted['id']}",
            headers={"X-Parvis-Edit-Token": str(posted["edit_token"])},
        )
        with urllib.request.urlopen(request, timeout=10) as res:
            own = json.loads(res.read())
        if not own["checking"]:
            return str(own["status"])
        time.sleep(0.2)
    raise AssertionError("the comment was never checked")


def test_serve_checks_in_a_process_of_its_own_restarted_if_it_dies(tmp_path: Path) -> None:
    config, port = tmp_path / "parvis.toml", free_port()
    init = subprocess.run(
        [*parvis_command(), "init", "--config", str(config), "--db", f"sqlite:///{tmp_path}/p.db"],
        capture_output=True,
    )
    assert init.returncode == 0, init.stderr
    env = {**os.environ, "PARVIS_MODERATION__POLL_INTERVAL": "0.05"}
    env.pop("PARVIS_CONFIG", None)
    with running_parvis(config, port, env, tmp_path / "serve.log") as base:
        posted = _post(base, TEXTS[0])
        assert posted["status"] == "pending" and posted["checking"] is True
        assert _outcome(base, posted) == "pending"  # checked: the default charter holds it
        [checker] = _checker_pids()
        assert os.getpriority(os.PRIO_PROCESS, checker) > os.getpriority(os.PRIO_PROCESS, 0)
        environ = Path(f"/proc/{checker}/environ").read_bytes().split(b"\0")
        assert b"MALLOC_ARENA_MAX=2" in environ  # serve's processes share fewer heaps
        os.kill(checker, signal.SIGKILL)
        again = _post(base, TEXTS[1])
        assert _outcome(base, again) == "pending"  # by its replacement
        [replacement] = _checker_pids()
        assert replacement != checker
    deadline = time.monotonic() + 20
    while _checker_pids() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _checker_pids() == []  # stopped with the server
