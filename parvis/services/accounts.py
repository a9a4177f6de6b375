"""Moderators: accounts, passwords (argon2), API tokens, sessions."""

from __future__ import annotations

import secrets
import time
import weakref

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection

from parvis.domain.moderator import Moderator, Role
from parvis.errors import Conflict, Invalid, NotFound, Unauthorized
from parvis.services.runtime import Runtime
from parvis.services.tokens import hash_api_token
from parvis.store import audit, moderators
from parvis.store.db import Database

_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("parvis-dummy-password")
MIN_PASSWORD = 8
# How long a process trusts an API token it has looked up. Integrations post hundreds of
# times a second with one token; a revoked token, a disabled moderator or a new role is
# seen at once by the process that made the change and within this time by every other
# process (the other server workers, after `parvis user token` or a change on /mod/users).
TOKEN_CACHE_SECONDS = 1.0
_TOKEN_CACHE_MAX = 1024


def add_moderator(rt: Runtime, name: str, role: Role, password: str) -> int:
    with rt.db.write() as conn:
        return _add(rt, conn, name, role, password)


def _add(rt: Runtime, conn: Connection, name: str, role: Role, password: str) -> int:
    name = name.strip()
    if not name or len(name) > 100:
        raise Invalid("a moderator's name has 1 to 100 characters", field="name")
    _check_password(password)
    if moderators.get_by_name(conn, name) is not None:
        raise Conflict("a moderator named {name} already exists", field="name", name=name)
    return moderators.add(conn, name, role, _hasher.hash(password), rt.now())


# An admin's changes to the team, from /mod/users: each one is written to the audit log
# (the target's name in the note). The web layer checks the actor is an admin.


def create_moderator(rt: Runtime, actor: Moderator, name: str, role: str, password: str) -> int:
    chosen = _role(role)
    with rt.db.write() as conn:
        moderator_id = _add(rt, conn, name, chosen, password)
        _audit(rt, conn, actor, "moderator-add", f"{name.strip()} ({chosen.value})")
    return moderator_id


def change_role(rt: Runtime, actor: Moderator, moderator_id: int, role: str) -> None:
    chosen = _role(role)
    with rt.db.write() as conn:
        target = _other(conn, actor, moderator_id)
        if target.role != chosen:
            moderators.set_role(conn, target.id, chosen)
            _audit(rt, conn, actor, "moderator-role", f"{target.name} ({chosen.value})")
    _token_cache(rt.db).clear()


def set_disabled(rt: Runtime, actor: Moderator, moderator_id: int, disabled: bool) -> None:
    """A disabled moderator's session stops working at once, and their API token too (in
    the other server processes, within `TOKEN_CACHE_SECONDS`)."""
    with rt.db.write() as conn:
        target = _other(conn, actor, moderator_id)
        if target.disabled != disabled:
            moderators.set_disabled(conn, target.id, disabled)
            action = "moderator-disable" if disabled else "moderator-enable"
            _audit(rt, conn, actor, action, target.name)
    _token_cache(rt.db).clear()


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise Invalid("the role is 'moderator' or 'admin'", field="role") from None


def _other(conn: Connection, actor: Moderator, moderator_id: int) -> Moderator:
    """The account to change; never one's own, so there is always an admin left."""
    target = moderators.get(conn, moderator_id)
    if target is None:
        raise NotFound("no such moderator", field="id")
    if target.id == actor.id:
        raise Conflict("you cannot change your own account", field="id", code="own_account")
    return target


def _audit(rt: Runtime, conn: Connection, actor: Moderator, action: str, note: str) -> None:
    audit.record(conn, at=rt.now(), action=action, moderator_id=actor.id, note=note)


def set_password(rt: Runtime, name: str, password: str) -> None:
    _check_password(password)
    with rt.db.write() as conn:
        moderator = _existing(conn, name)
        moderators.set_password_hash(conn, moderator.id, _hasher.hash(password))


def authenticate(rt: Runtime, name: str, password: str) -> Moderator:
    with rt.db.read() as conn:
        moderator = moderators.get_by_name(conn, name.strip())
    try:
        _hasher.verify(moderator.password_hash if moderator else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        moderator = None
    if moderator is None or moderator.disabled:
        raise Unauthorized("wrong name or password", code="bad_credentials")
    return moderator


def issue_token(rt: Runtime, name: str) -> str:
    """A new token for the moderation API. Only its hash is stored; the old one stops working."""
    token = "pvs_" + secrets.token_urlsafe(32)
    with rt.db.write() as conn:
        moderator = _existing(conn, name)
        moderators.set_token_hash(conn, moderator.id, hash_api_token(token))
    _token_cache(rt.db).clear()
    return token


def moderator_for_token(rt: Runtime, token: str) -> Moderator | None:
    """The enabled moderator whose API token this is; trusted for `TOKEN_CACHE_SECONDS`."""
    if not token.startswith("pvs_"):
        return None
    token_hash = hash_api_token(token)
    cache = _token_cache(rt.db)
    found = cache.get(token_hash)
    if found is not None:
        return found
    generation = cache.generation
    with rt.db.read() as conn:
        moderator = moderators.get_by_token_hash(conn, token_hash)
    if moderator is None or moderator.disabled:
        return None  # never cached: a token issued meanwhile works at once
    cache.put(token_hash, moderator, generation)
    return moderator


def moderator_by_id(rt: Runtime, moderator_id: int) -> Moderator | None:
    with rt.db.read() as conn:
        moderator = moderators.get(conn, moderator_id)
    return moderator if moderator and not moderator.disabled else None


def list_moderators(rt: Runtime) -> list[Moderator]:
    with rt.db.read() as conn:
        return moderators.all_(conn)


class _TokenCache:
    """The moderators found by token hash in this process, each until its deadline.

    `generation` moves on every clear: a lookup that read the database before a change
    made here does not store what it read after it."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, Moderator]] = {}
        self.generation = 0

    def get(self, token_hash: str) -> Moderator | None:
        entry = self._entries.get(token_hash)
        if entry is None or entry[0] <= time.monotonic():
            return None
        return entry[1]

    def put(self, token_hash: str, moderator: Moderator, generation: int) -> None:
        if generation != self.generation:
            return
        if len(self._entries) >= _TOKEN_CACHE_MAX:
            self._entries.clear()
        self._entries[token_hash] = (time.monotonic() + TOKEN_CACHE_SECONDS, moderator)

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()


# One cache per database handle (a process has one; tests open several).
_TOKEN_CACHES: weakref.WeakKeyDictionary[Database, _TokenCache] = weakref.WeakKeyDictionary()


def _token_cache(db: Database) -> _TokenCache:
    cache = _TOKEN_CACHES.get(db)
    if cache is None:
        cache = _TOKEN_CACHES.setdefault(db, _TokenCache())
    return cache


def _existing(conn: object, name: str) -> Moderator:
    moderator = moderators.get_by_name(conn, name)  # type: ignore[arg-type]
    if moderator is None:
        raise NotFound("no moderator named {name}", field="name", name=name)
    return moderator


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(
            "the password must have at least {n} characters", field="password", n=MIN_PASSWORD
        )
