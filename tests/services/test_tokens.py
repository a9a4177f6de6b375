"""Edit rights: signed once per post, so signed cheaply, in itsdangerous' format."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeSerializer

from parvis.errors import Unauthorized
from parvis.services.tokens import Tokens

SECRET = "test-secret-not-for-production"


@pytest.mark.parametrize(
    ("comment_id", "expires"), [(1, 0), (3553816, 1_764_000_000), (2**53, 2**40)]
)
def test_edit_tokens_are_those_itsdangerous_signs(comment_id: int, expires: int) -> None:
    ours = Tokens(SECRET).edit(comment_id, expires)
    theirs = URLSafeSerializer(SECRET, salt="parvis.edit").dumps([comment_id, expires])
    assert ours == theirs  # tokens handed out before the change still read
    assert Tokens(SECRET).read_edit(theirs, expires) == comment_id


def test_an_edit_token_is_refused_when_expired() -> None:
    tokens = Tokens(SECRET)
    value = tokens.edit(7, 1000)
    assert tokens.read_edit(value, 1000) == 7
    with pytest.raises(Unauthorized) as exc:
        tokens.read_edit(value, 1001)
    assert exc.value.code == "edit_expired"


def test_forged_or_foreign_edit_tokens_are_refused() -> None:
    tokens = Tokens(SECRET)
    good = tokens.edit(7, 1000)
    payload, _, signature = good.rpartition(".")
    other_id = URLSafeSerializer(SECRET, salt="parvis.edit").dumps([8, 1000]).split(".")[0]
    forged = [
        "",
        ".",
        "abc",
        good[:-1],
        good + "A",
        f"{other_id}.{signature}",  # another comment with this comment's signature
        "é." + signature,
        Tokens("another secret").edit(7, 1000),
        tokens.cursor(7, 1000),  # another kind of token: another salt
        URLSafeSerializer(SECRET, salt="parvis.edit").dumps({"id": 7}),
        URLSafeSerializer(SECRET, salt="parvis.edit").dumps(["7", 1000]),
    ]
    for value in forged:
        with pytest.raises(Unauthorized) as exc:
            tokens.read_edit(value, 0)
        assert exc.value.code == "edit_denied", value
