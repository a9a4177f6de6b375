"""Running a worker's loop in a thread of a server process (the outbox's, the moderation
queue's): the same loop as a separate `parvis worker` process."""

from __future__ import annotations

import logging
import threading
from typing import Protocol

log = logging.getLogger(__name__)


class Loop(Protocol):
    name: str

    def run(self) -> object: ...

    def stop(self) -> None: ...


class BackgroundWorker:
    """An in-process worker under `parvis serve` (the outbox's, the moderation queue's):
    the same loop as the separate process, in a daemon thread."""

    def __init__(self, worker: Loop, what: str = "mail") -> None:
        self.worker = worker
        self.what = what
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self.worker.run, name=f"parvis-{self.what}-worker", daemon=True
        )
        self._thread.start()
        log.info("in-process %s worker %s started", self.what, self.worker.name)

    def stop(self, timeout: float = 10.0) -> None:
        self.worker.stop()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
