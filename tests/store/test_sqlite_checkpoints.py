"""SQLite's WAL is copied back into the database after a writer's turn, never inside it:
a checkpoint writes and syncs hundreds of pages, and every other writer would wait."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path

import pytest

from parvis.store import db as db_module
from parvis.store import ratelimits
from parvis.store.db import Database


def _flock_is_free(path: Path) -> bool:
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def test_the_wal_is_checkpointed_after_the_writers_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "parvis.db"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    monkeypatch.setattr(db_module, "CHECKPOINT_EVERY", 5)
    seen: list[tuple[bool, bool]] = []
    checkpoint = db._checkpoint

    def watched() -> None:
        free = _flock_is_free(tmp_path / "parvis.db.writer-lock")
        checkpoint()
        with sqlite3.connect(path) as raw:  # nothing left to copy
            busy, frames, copied = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        seen.append((free, busy == 0 and frames == copied > 0))

    monkeypatch.setattr(db, "_checkpoint", watched)
    for i in range(12):
        with db.write() as conn:
            ratelimits.hit(conn, f"k{i}", 0)
    # after the 5th and the 10th write, each once the writer's turn was given back
    assert seen == [(True, True), (True, True)]
    db.dispose()


def test_sqlite_stays_in_wal_mode_and_syncs_as_configured(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'parvis.db'}")
    with db.read() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        # SQLite's own checkpoint stays, as a backstop far past Parvis's
        assert raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 10_000
    db.dispose()
