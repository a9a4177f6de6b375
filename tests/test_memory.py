"""Freed heap memory goes back to the system: after loading the models, and every few
seconds in each server process."""

from __future__ import annotations

import asyncio
import ctypes
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from parvis.infra import memory
from parvis.services.runtime import Runtime
from parvis.web import app as web_app
from tests.conftest import run_async

glibc = pytest.mark.skipif(
    getattr(memory._libc(), "malloc_trim", None) is None, reason="malloc_trim is glibc's"
)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@glibc
def test_trim_returns_freed_blocks_to_the_system() -> None:
    libc = memory._libc()
    assert libc is not None
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    # 64 KB blocks stay in the heap when freed (under the mmap threshold); the last one,
    # kept, stops free() from shrinking the heap's top by itself.
    blocks = [libc.malloc(64 * 1024) for _ in range(1_000)]
    for b in blocks:
        ctypes.memset(b, 1, 64 * 1024)
    for b in blocks[:-1]:
        libc.free(b)
    before = rss_mb()
    memory.trim()
    after = rss_mb()
    libc.free(blocks[-1])
    assert before - after > 30  # of the 64 MB freed


def test_the_trimming_loop_trims_after_each_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    trims: list[int] = []
    waits: list[float] = []
    monkeypatch.setattr(memory, "trim", lambda: trims.append(len(waits)))

    async def wait(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) > 3:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        run_async(web_app._trim_periodically(wait))
    assert waits == [web_app.TRIM_EVERY] * 4
    assert trims == [1, 2, 3]  # one trim after each wait, none before the first


def test_each_server_process_trims_while_it_runs_and_stops_with_it(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []

    async def trimming(wait: object = None) -> None:
        events.append("started")
        try:
            await asyncio.Event().wait()
        finally:
            events.append("stopped")

    monkeypatch.setattr(web_app, "_trim_periodically", trimming)
    with TestClient(web_app.create_app(rt)) as client:
        client.get("/healthz")
        assert events == ["started"]
    assert events == ["started", "stopped"]
