"""Freed heap memory goes back to the system: after loading the models, and every few
seconds in each server process."""

from __future__ import annotations

import ctypes
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from parvis.infra import memory
from parvis.services.runtime import Runtime
from parvis.web import app as web_app

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


def test_each_server_process_trims_its_heap_periodically(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    trims: list[float] = []
    monkeypatch.setattr(web_app, "TRIM_EVERY", 0.01)
    monkeypatch.setattr(memory, "trim", lambda: trims.append(time.monotonic()))
    with TestClient(web_app.create_app(rt)):
        deadline = time.monotonic() + 5
        while len(trims) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert len(trims) >= 3
    stopped = len(trims)
    time.sleep(0.05)
    assert len(trims) == stopped  # the task ends with the app
