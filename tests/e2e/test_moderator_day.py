"""A moderator's day in a real browser: filter the queue, read an author's history, ban
them, select with the keyboard and approve in bulk, and take a decision back."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Servers

pytestmark = pytest.mark.browser

TROLL = "Troll du 92"
DAY_URI = "/2025/11/25/journee-moderation"


def post(servers: Servers, author: str, text: str) -> int:
    return servers.post(text, author, uri=DAY_URI, title="Une journée de modération")


def login(page: Any, servers: Servers, who: tuple[str, str]) -> None:
    page.goto(servers.base + "/mod/login")
    page.fill("input[name=name]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("form.parvis-login button[type=submit]")
    page.wait_for_url("**/mod/queue**")


def test_a_moderators_day(servers: Servers, context_factory: Any, artifacts: Path) -> None:
    first = post(servers, TROLL, "Encore un article nul, bande de guignols.")
    second = post(servers, TROLL, "Vous êtes tous des incapables dans cette rédaction.")
    clean = [
        post(servers, "Lectrice attentive", "Merci pour ce reportage, très bien documenté."),
        post(servers, "Jean de Lyon", "Les maires devraient planter davantage d'arbres en ville."),
    ]
    page = context_factory().new_page()
    login(page, servers, servers.admin)

    # Filter by author: only the troll's comments, each with its author's history.
    page.fill("form.parvis-filter-form input[name=author]", TROLL)
    page.click("form.parvis-filter-form button[type=submit]")
    items = page.locator(".parvis-queue-item")
    assert sorted(int(i) for i in items.evaluate_all("els => els.map(e => e.dataset.id)")) == [
        first,
        second,
    ]
    # The engine's evidence: the rule, its score, the word highlighted.
    assert page.locator(f'#q{first} [data-rule="insult"]').count() >= 1
    assert page.locator(f"#q{first} mark.parvis-flag").inner_text() == "guignols"
    history = page.locator(f"#q{second} .parvis-history")
    history.locator("summary").click()
    assert f"#{first}" in history.inner_text()
    page.screenshot(path=str(artifacts / "30-moderator-filter-history.png"), full_page=True)

    # Ban the author from the queue item, for a week, by pseudonym (every request here comes
    # from 127.0.0.1, so a ban by client would silence the other tests' readers too).
    page.click(f"#q{second} .parvis-ban-link")
    page.wait_for_url("**/mod/bans**")
    page.check("form.parvis-ban-form input[name=kind][value=author]")
    page.fill("form.parvis-ban-form input[name=reason]", "Insultes répétées envers la rédaction")
    page.click("form.parvis-ban-form button[type=submit]")
    page.wait_for_load_state()
    assert "Insultes répétées envers la rédaction" in page.inner_text("body")
    page.screenshot(path=str(artifacts / "31-moderator-ban.png"), full_page=True)
    body = json.dumps(
        {"uri": "/2025/11/25/journee-moderation", "author": TROLL, "text": "Me revoilà."}
    )
    refused = urllib.request.Request(
        servers.base + "/api/v1/comments",
        data=body.encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(refused)
    assert err.value.code == 403

    # Select the two clean comments with the keyboard and approve them in bulk.
    page.goto(servers.base + "/mod/queue?order=oldest&author=")
    for comment_id in clean:
        page.locator(f"#q{comment_id}").focus()
        page.keyboard.press("x")
    assert page.locator('input[name="ids"]:checked').count() == 2
    page.click("button[name=action][value=approve] >> nth=0")
    page.wait_for_url("**/mod/queue**")
    for comment_id in clean:
        assert page.locator(f"#q{comment_id}").count() == 0

    # Reject the troll's first comment with "r", then take it back with "u".
    page.goto(servers.base + f"/mod/queue?author={TROLL}")
    page.locator(f"#q{first}").focus()
    page.keyboard.press("r")
    page.wait_for_selector(f"#q{first}", state="detached")
    page.keyboard.press("u")
    page.wait_for_selector(f"#q{first}")
    assert "remis dans la file" in page.inner_text("#parvis-mod-status")
    page.keyboard.press("?")
    assert page.locator("#parvis-help").is_visible()
    page.screenshot(path=str(artifacts / "32-moderator-undo-help.png"), full_page=False)
