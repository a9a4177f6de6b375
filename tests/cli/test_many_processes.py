"""Four `parvis serve` processes on one PostgreSQL behave as one (issue 6, point 5):
counts, rate limits and the read cache's invalidation hold across processes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests import pg

pytestmark = pytest.mark.slow

PARVIS = [sys.executable, "-c", "from parvis.cli.main import cli; cli()"]
CACHE_SECONDS = 1.0
RATE_LIMIT = 3


@dataclass
class Cluster:
    bases: list[str]
    token: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def call(
    method: str, url: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any], dict[str, str]]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            return r.status, json.loads(raw) if raw else {}, _lower(r.headers.items())
    except urllib.error.HTTPError as e:
        raw = e.read()
        return e.code, json.loads(raw) if raw else {}, _lower(e.headers.items())


def _lower(items: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in items}


@pytest.fixture(scope="module")
def cluster(pg_admin: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    name = f"parvis_procs_{os.getpid()}"
    url = pg.create_database(pg_admin, name)
    work = tmp_path_factory.mktemp("procs")
    cfg = work / "parvis.toml"
    env = {
        **os.environ,
        "PARVIS_SERVER__READ_CACHE_SECONDS": str(CACHE_SECONDS),
        "PARVIS_COMMENTS__RATE_LIMIT": str(RATE_LIMIT),
    }
    run = dict(env=env, check=True, capture_output=True, text=True)
    subprocess.run([*PARVIS, "init", "--config", str(cfg), "--db", url], **run)  # type: ignore[call-overload]
    base_cmd = [*PARVIS, "--config", str(cfg)]
    subprocess.run(
        [*base_cmd, "user", "add", "mod", "--role", "moderator"], input="pw-pw-pw-pw\n", **run
    )  # type: ignore[call-overload]
    token = subprocess.run([*base_cmd, "user", "token", "mod"], **run).stdout.strip()  # type: ignore[call-overload]
    procs: list[subprocess.Popen[bytes]] = []
    bases = []
    try:
        for i in range(4):
            port = _free_port()
            log = open(work / f"serve-{i}.log", "wb")  # noqa: SIM115
            procs.append(
                subprocess.Popen(
                    [*base_cmd, "serve", "--host", "127.0.0.1", "--port", str(port)],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        _wait_until_up(bases, procs, work)
        yield Cluster(bases, token)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
        pg.drop_database(pg_admin, name)


def _wait_until_up(bases: list[str], procs: list[subprocess.Popen[bytes]], work: Path) -> None:
    deadline = time.monotonic() + 180  # each process loads the moderation models
    for base, proc in zip(bases, procs, strict=True):
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    logs = "\n".join(p.read_text() for p in work.glob("serve-*.log"))
                    raise RuntimeError(f"a server did not start:\n{logs}") from None
                time.sleep(0.2)


def post(base: str, uri: str, text: str, token: str | None = None) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {"uri": uri, "author": "Lectrice", "text": text, "parent": None}
    status, data, _ = call("POST", base + "/api/v1/comments", body, headers)
    return status, data


def counts(base: str, uri: str) -> int:
    status, data, _ = call("GET", base + "/api/v1/counts?" + urllib.parse.urlencode({"uri": uri}))
    assert status == 200
    return int(data["counts"][uri])


def thread_total(base: str, uri: str) -> int:
    query = urllib.parse.urlencode({"uri": uri})
    status, data, _ = call("GET", base + "/api/v1/comments?" + query)
    assert status == 200
    return int(data["total"])


def test_a_client_over_the_limit_gets_429_whichever_process_it_reaches(cluster: Cluster) -> None:
    statuses = [
        post(base, "/limits", f"Commentaire {i} sur les limites.")[0]
        for i, base in enumerate(cluster.bases)
    ]
    assert statuses[:RATE_LIMIT] == [201] * RATE_LIMIT
    assert statuses[RATE_LIMIT:] == [429] * (4 - RATE_LIMIT)


def test_a_moderators_token_is_not_rate_limited_on_any_process(cluster: Cluster) -> None:
    for i in range(2 * RATE_LIMIT):
        base = cluster.bases[i % 4]
        assert post(base, "/trusted", f"Réponse numéro {i}.", cluster.token)[0] == 201


def test_counts_and_threads_agree_on_every_process_within_the_cache_time(
    cluster: Cluster,
) -> None:
    uri = "/together"
    ids = []
    for i, base in enumerate(cluster.bases):
        status, data = post(base, uri, f"Un avis posé sur le processus {i}.", cluster.token)
        assert status == 201
        ids.append(data["id"])
    for base in cluster.bases:  # every process caches the page and the count as they are now
        published_before = thread_total(base, uri)
        assert counts(base, uri) == published_before
    auth = {"Authorization": f"Bearer {cluster.token}"}
    for i, comment_id in enumerate(ids):
        status, data, _ = call(
            "POST",
            f"{cluster.bases[i]}/api/v1/moderation/comments/{comment_id}",
            {"action": "approve"},
            auth,
        )
        assert status == 200, data
    approved = time.monotonic()
    # The process that approved last sees it at once: its write emptied its cache.
    assert thread_total(cluster.bases[3], uri) == 4
    # The others within the configured time, never later.
    seen_after: list[float] = []
    for base in cluster.bases:
        while thread_total(base, uri) != 4 or counts(base, uri) != 4:
            assert time.monotonic() - approved < CACHE_SECONDS + 1.0, f"{base} still stale"
            time.sleep(0.05)
        seen_after.append(time.monotonic() - approved)
    assert max(seen_after) < CACHE_SECONDS + 1.0


def test_public_reads_carry_an_etag_and_revalidate_with_304(cluster: Cluster) -> None:
    url = cluster.bases[0] + "/api/v1/comments?uri=%2Ftogether"
    status, _, headers = call("GET", url)
    assert status == 200 and headers["cache-control"].startswith("public, max-age=")
    assert int(headers["cache-control"].rpartition("=")[2]) <= CACHE_SECONDS
    status, _, _ = call("GET", url, headers={"If-None-Match": headers["etag"]})
    assert status == 304
