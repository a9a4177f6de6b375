"""After the write workload: how many posted comments still wait for the charter's checks,
and how fast the server's check workers empty that queue (while nothing else runs).

checks_drain.py DB_URL [TIMEOUT_SECONDS]   -> one line: queued N, drained in S s (R/s)
"""

from __future__ import annotations

import sys
import time

from parvis.store import comments
from parvis.store.db import Database


def waiting(db: Database) -> int:
    with db.read() as conn:
        return comments.count_checks_waiting(conn)


def main() -> None:
    db = Database(sys.argv[1])
    timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 600.0
    started = time.monotonic()
    queued = left = waiting(db)
    while left and time.monotonic() - started < timeout:
        time.sleep(0.5)
        left = waiting(db)
    elapsed = time.monotonic() - started
    rate = (queued - left) / elapsed if elapsed > 0 else 0.0
    state = "drained in" if not left else f"{left} still waiting after"
    print(f"checks: {queued} waiting after the write load, {state} {elapsed:.1f} s ({rate:.0f}/s)")
    db.dispose()


if __name__ == "__main__":
    main()
