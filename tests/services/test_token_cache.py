"""A moderator's API token is looked up once and trusted for `TOKEN_CACHE_SECONDS` in each
process: a change made in the process applies at once, one made elsewhere within that time."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from parvis.domain.moderator import Moderator, Role
from parvis.services import accounts
from parvis.services.runtime import Runtime
from parvis.store import moderators
from parvis.store.db import Database
from tests.conftest import make_settings


@pytest.fixture
def alice(rt: Runtime) -> Moderator:
    accounts.add_moderator(rt, "alice", Role.MODERATOR, "correct horse")
    return accounts.authenticate(rt, "alice", "correct horse")


@pytest.fixture
def admin(rt: Runtime) -> Moderator:
    accounts.add_moderator(rt, "root", Role.ADMIN, "correct horse")
    return accounts.authenticate(rt, "root", "correct horse")


def _reissue(url: str, name: str) -> None:
    """`parvis user token NAME` in a process of its own: the old token is replaced."""
    rt = Runtime.from_settings(make_settings(url), with_engine=False)
    accounts.issue_token(rt, name)
    rt.db.dispose()


def test_a_token_replaced_in_another_process_stops_working_within_the_cache_time(
    rt: Runtime, alice: Moderator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "TOKEN_CACHE_SECONDS", 0.5)
    token = accounts.issue_token(rt, "alice")
    assert accounts.moderator_for_token(rt, token) is not None  # now cached here
    child = multiprocessing.get_context("spawn").Process(
        target=_reissue, args=(rt.settings.database.url, "alice")
    )
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    deadline = time.monotonic() + accounts.TOKEN_CACHE_SECONDS + 0.1
    while accounts.moderator_for_token(rt, token) is not None:
        assert time.monotonic() < deadline, "the replaced token still works past the cache time"
        time.sleep(0.05)


def test_a_token_is_looked_up_once_within_the_cache_time(rt: Runtime, alice: Moderator) -> None:
    token = accounts.issue_token(rt, "alice")
    assert accounts.moderator_for_token(rt, token) is not None
    other = Database(rt.settings.database.url)  # another process's view of the same store
    try:
        with other.write() as conn:  # the row changes behind this process's back
            moderators.set_token_hash(conn, alice.id, None)
        found = accounts.moderator_for_token(rt, token)
        assert found is not None and found.name == "alice"  # served from the cache
        accounts._token_cache(rt.db).clear()  # as when the time is up
        assert accounts.moderator_for_token(rt, token) is None
    finally:
        other.dispose()


def test_changes_made_in_this_process_apply_at_once(
    rt: Runtime, alice: Moderator, admin: Moderator
) -> None:
    old = accounts.issue_token(rt, "alice")
    assert accounts.moderator_for_token(rt, old) is not None
    new = accounts.issue_token(rt, "alice")
    assert accounts.moderator_for_token(rt, old) is None
    found = accounts.moderator_for_token(rt, new)
    assert found is not None and found.role == Role.MODERATOR

    accounts.change_role(rt, admin, alice.id, "admin")
    found = accounts.moderator_for_token(rt, new)
    assert found is not None and found.role == Role.ADMIN

    accounts.set_disabled(rt, admin, alice.id, True)
    assert accounts.moderator_for_token(rt, new) is None
    accounts.set_disabled(rt, admin, alice.id, False)
    assert accounts.moderator_for_token(rt, new) is not None


def test_unknown_and_malformed_tokens_are_refused_and_never_cached(
    rt: Runtime, alice: Moderator
) -> None:
    assert accounts.moderator_for_token(rt, "pvs_forged") is None
    assert accounts.moderator_for_token(rt, "not-a-token") is None
    assert accounts._token_cache(rt.db).get(accounts.hash_api_token("pvs_forged")) is None


def test_a_lookup_that_read_before_a_change_does_not_store_what_it_read(
    rt: Runtime, alice: Moderator
) -> None:
    cache = accounts._token_cache(rt.db)
    generation = cache.generation  # a lookup starts reading...
    cache.clear()  # ...a change is made here meanwhile...
    cache.put("somehash", alice, generation)  # ...and the lookup ends
    assert cache.get("somehash") is None
