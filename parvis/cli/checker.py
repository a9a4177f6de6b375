"""The moderation queue's own process under `parvis serve` (`[moderation] worker = "serve"`).

The charter's checks cost about 10 ms of CPU a comment (more for long ones), in pure
Python. In a thread of a web process they would hold its interpreter lock in turns with
the requests; in a process of their own, at a lower CPU priority, readers and posters go
first and the checks take the CPU left over, catching up after a burst. It is
`parvis worker --queue checks`, supervised: restarted if it dies, stopped with the server,
and killed by the kernel if the server itself is killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading

log = logging.getLogger(__name__)

NICE = 5  # below the web processes, above batch jobs
_PR_SET_PDEATHSIG = 1
COMMAND = [
    sys.executable,
    "-c",
    "from parvis.cli.main import cli; cli()",
    "worker",
    "--queue",
    "checks",
]


def _in_child() -> None:
    """Runs in the child before exec: lower priority, die with the server."""
    os.nice(NICE)
    with contextlib.suppress(OSError):  # not glibc: the server's own shutdown still stops it
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class CheckerProcess:
    def __init__(self, name: str) -> None:
        self.name = name
        self._proc: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._supervisor: threading.Thread | None = None

    def start(self) -> None:
        self._spawn()
        self._supervisor = threading.Thread(
            target=self._supervise, name="parvis-checker-supervisor", daemon=True
        )
        self._supervisor.start()

    def _spawn(self) -> None:
        self._proc = subprocess.Popen(
            [*COMMAND, "--name", self.name], preexec_fn=_in_child, close_fds=True
        )
        log.info("moderation queue process %d started", self._proc.pid)

    def _supervise(self) -> None:
        delay = 1.0
        while not self._stopping.is_set():
            assert self._proc is not None
            code = self._proc.wait()
            if self._stopping.is_set():
                return
            log.error("moderation queue process exited (%s); restarting in %.0f s", code, delay)
            if self._stopping.wait(delay):
                return
            delay = min(delay * 2, 60.0)
            self._spawn()

    def stop(self, timeout: float = 20.0) -> None:
        self._stopping.set()
        proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()  # it finishes the comment in hand
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
