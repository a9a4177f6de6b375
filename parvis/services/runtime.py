"""What every use case needs, built once per process."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

from parvis.config import Settings
from parvis.domain.charter import Charter
from parvis.domain.verdict import CheckContext, Verdict
from parvis.moderation.charter import load_charter
from parvis.services.tokens import Tokens
from parvis.store.db import Database

Moderate = Callable[[str, CheckContext], Verdict]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    settings: Settings
    db: Database
    charter: Charter
    moderate: Moderate | None = None  # the moderation engine; None in tests of the bare server
    clock: Callable[[], datetime] = field(default=_now)
    ticks: Callable[[], float] = field(default=time.monotonic)  # for durations: cache expiry

    @cached_property
    def tokens(self) -> Tokens:
        """Built on first use: commands that sign nothing (`parvis import`) need no key."""
        return Tokens(self.settings.security.secret_key)

    @classmethod
    def from_settings(cls, settings: Settings, *, with_engine: bool = True) -> Runtime:
        charter = load_charter(settings.moderation.charter or None)
        db = Database(settings.database.url, pool_size=settings.database.pool_size)
        moderate = _load_engine(charter) if with_engine else None
        return cls(settings=settings, db=db, charter=charter, moderate=moderate)

    def now(self) -> datetime:
        return self.clock()

    @property
    def dialect(self) -> str:
        return self.db.dialect

    def migrate(self) -> None:
        """Bring the database to the code's schema (Alembic); a no-op when it is there."""
        self.db.migrate()

    def ping(self) -> bool:
        """True when the store answers (`/healthz`)."""
        return self.db.ping()

    def close(self) -> None:
        self.db.dispose()

    def client_hash(self, address: str) -> str:
        """A keyed hash of the client address: stable for bans and rate limits, not reversible."""
        key = self.settings.security.secret_key.encode()
        return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]


def _load_engine(charter: Charter) -> Moderate:
    from parvis.services.charters import loaded_engine  # the models: only where they serve

    return loaded_engine(charter).moderate  # loaded now, not on the first reader's comment
