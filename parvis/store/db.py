"""The engine, transactions and dialect quirks: the one module that tells SQLite from PostgreSQL."""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, func, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from parvis.errors import Invalid

_MIGRATIONS = Path(__file__).parent / "migrations"


class Database:
    def __init__(self, url: str, pool_size: int = 10, echo: bool = False) -> None:
        self.url = normalise_url(url)
        parsed = make_url(self.url)
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo}
        self._writers: _WriterQueue | None = None
        if self.dialect == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
                self._writers = _WriterQueue(Path(parsed.database + ".writer-lock"))
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.dialect == "sqlite":
            _tune_sqlite(self.engine)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction; on SQLite it takes the write lock at once (BEGIN IMMEDIATE)
        so two writers queue instead of failing on lock upgrade, and Parvis's own writers,
        in every process, wait their turn in the kernel first (`_WriterQueue`): a thread
        takes its process's turn, then a connection, then the turn across processes, which
        it holds only for the transaction itself."""
        writers = self._writers
        checkpoint = False
        with writers or nullcontext(), self.engine.connect() as conn:
            conn = conn.execution_options(parvis_write=True)
            with writers.across_processes() if writers else nullcontext(), conn.begin():
                yield conn
            checkpoint = writers is not None and writers.checkpoint_due()
        if checkpoint:
            self._checkpoint()

    def _checkpoint(self) -> None:
        """Copy the WAL into the database, outside every writer's turn (see `_tune_sqlite`).

        PASSIVE: it neither waits for nor blocks readers and writers; what a reader still
        needs is copied by a later checkpoint."""
        with self.engine.connect() as conn:
            raw: Any = conn.connection.driver_connection
            raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def migrate(self) -> None:
        from alembic import command  # imported here: 11 MB that web processes never need
        from alembic.config import Config

        with self.engine.connect() as conn:
            if self.is_sqlite:
                # SQLite alters a table by copying it; foreign keys must be off meanwhile,
                # and the pragma only takes effect outside a transaction.
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            try:
                with conn.begin():
                    cfg = Config()
                    cfg.set_main_option("script_location", str(_MIGRATIONS))
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
                    if self.is_sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                        raise RuntimeError("a migration left rows that break a foreign key")
            finally:
                if self.is_sqlite:
                    conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT 1")).scalar() == 1

    def dispose(self) -> None:
        self.engine.dispose()


class _WriterQueue:
    """Parvis's SQLite writers take turns: a thread lock in the process, then an `flock`
    on a file beside the database, across processes.

    SQLite alone makes a writer that finds the database locked sleep and retry (its busy
    handler backs off up to 100 ms a try), so under many concurrent posts an unlucky
    writer keeps losing the race and waits seconds. A kernel lock wakes the next writer
    the moment the last one commits, in turn. The busy timeout stays for writers that are
    not Parvis (a `sqlite3` shell, a backup).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread_lock = threading.RLock()
        self._depth = 0  # a write opened inside a write (a bug) meets SQLite's busy timeout
        self._fd: int | None = None
        self._pid = 0
        self._writes = 0
        _QUEUES.add(self)

    def _after_fork(self) -> None:
        """A child starts with no turn taken, whatever its parent's threads held."""
        self._thread_lock = threading.RLock()
        self._depth = 0

    def __enter__(self) -> None:
        """This process's turn (the thread lock)."""
        self._thread_lock.acquire()
        self._depth += 1

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        self._thread_lock.release()

    @contextmanager
    def across_processes(self) -> Iterator[None]:
        """The turn among every process (the `flock`), taken inside this process's turn."""
        if self._depth != 1:  # nested: the outer write holds it
            yield
            return
        if self._pid != os.getpid():  # a forked child needs its own open file
            self._fd, self._pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
        assert self._fd is not None
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def checkpoint_due(self) -> bool:
        """Counts a committed write (inside this process's turn); every
        `CHECKPOINT_EVERY`-th asks for a checkpoint."""
        self._writes += 1
        return self._writes % CHECKPOINT_EVERY == 0


_QUEUES: weakref.WeakSet[_WriterQueue] = weakref.WeakSet()
# Each process checkpoints the WAL after this many of its writes (SQLite's own default is
# every 1,000 pages, inside a commit).
CHECKPOINT_EVERY = 200
# SQLite's own checkpoint, in a commit, stays as a backstop for a WAL grown this far
# (pages of 4 KiB): a writer that is not Parvis, or checkpoints kept from finishing.
_AUTOCHECKPOINT_PAGES = 10_000


def _reset_writer_queues() -> None:
    for queue in list(_QUEUES):
        queue._after_fork()


os.register_at_fork(after_in_child=_reset_writer_queues)


def normalise_url(url: str) -> str:
    """Accept postgresql:// and postgres:// and pick psycopg 3 as the driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if not (url.startswith("sqlite") or url.startswith("postgresql+psycopg://")):
        raise Invalid(f"unsupported database URL: {url!r}", field="database.url")
    return url


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        # SQLite checkpoints in the commit that grows the WAL past 1,000 pages: inside the
        # writers' turn, so every other writer waited for its page copies and fsyncs (of
        # 3,000 posts in a row, one commit in twelve took over 2 ms, the worst 200-300 ms).
        # `Database.write` checkpoints after the turn instead; this is the backstop.
        cur.execute(f"PRAGMA wal_autocheckpoint={_AUTOCHECKPOINT_PAGES}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("parvis_write", False)
        # straight to the driver: SQLAlchemy's statement path costs more than SQLite's BEGIN
        raw: Any = conn.connection.driver_connection
        raw.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")


def insert(conn: Connection, table: Table) -> Any:
    """The dialect's INSERT, which has `on_conflict_do_update/nothing` on both databases."""
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: they are UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def seconds_between(conn: Connection, start: Any, end: Any) -> Any:
    """`end - start` in seconds, as an SQL expression: SQLite keeps timestamps as text."""
    if conn.dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return func.extract("epoch", end - start)
