""" "Alerter" in a real browser: a reader without JavaScript reports a comment from the
small form, a reader on a publisher's page reports one from the widget, a moderator
finds both in the reports queue. Uses the shared server of conftest.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Servers

pytestmark = pytest.mark.browser

THANKS = "Merci, l’équipe de modération va examiner ce commentaire."


def shot(page: Page, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=False)


def nth_comment_id(page: Page, n: int) -> str:
    cid = page.locator("#parvis-comments > .parvis-comment").nth(n).get_attribute("data-id")
    assert cid
    return cid


def test_reader_without_javascript_reports_a_comment(
    servers: Servers, context_factory: Any, artifacts: Path
) -> None:
    page = context_factory(java_script_enabled=False).new_page()
    page.goto(servers.thread_url())
    cid = nth_comment_id(page, 2)
    with page.expect_navigation():
        page.locator(f'a.parvis-report[data-report="{cid}"]').click()
    assert "/report?" in page.url
    form = page.locator("form.parvis-report-form")
    expect(form).to_be_visible()
    expect(form.locator('input[value="insult"]')).to_be_visible()
    form.locator('input[value="insult"]').check()
    shot(page, artifacts, "20-nojs-report-form")
    with page.expect_navigation():
        form.locator(".parvis-submit").click()
    expect(page.locator("#parvis-notice")).to_have_text(THANKS)
    shot(page, artifacts, "21-nojs-report-thanks")


def test_reader_reports_a_comment_from_the_widget(
    servers: Servers, context_factory: Any, artifacts: Path
) -> None:
    page = context_factory().new_page()
    page.goto(servers.host + "/")
    expect(page.locator("section.parvis")).to_have_attribute("data-parvis-ready", "1")
    cid = nth_comment_id(page, 3)
    link = page.locator(f'a.parvis-report[data-report="{cid}"]')
    link.click()
    comment = page.locator(f'.parvis-comment[data-id="{cid}"]')
    form = comment.locator("form.parvis-report-form")
    expect(form).to_be_visible()
    assert "/report" not in page.url  # opened in place, no navigation
    # Cancel closes it; the link opens it again.
    form.locator(".parvis-cancel").click()
    expect(comment.locator("form.parvis-report-form")).to_have_count(0)
    link.click()
    form = comment.locator("form.parvis-report-form")
    form.locator('input[value="other"]').check()
    form.locator("textarea[name=note]").fill("Information fausse sur les îlots de fraîcheur")
    shot(page, artifacts, "22-widget-report-form")
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/reports") and r.request.method == "POST"
    ) as r:
        form.locator(".parvis-submit").click()
    assert r.value.status == 202, r.value.text()
    thanks = comment.locator(".parvis-report-thanks")
    expect(thanks).to_have_text(THANKS)
    expect(thanks).to_be_focused()
    shot(page, artifacts, "23-widget-report-thanks")


def test_moderator_finds_the_reports_and_closes_one(
    servers: Servers, context_factory: Any, artifacts: Path
) -> None:
    nojs, widget = servers.published()[4:6]
    servers.api("/api/v1/reports", {"uri": servers.uri, "comment": nojs, "reason": "insult"})
    servers.api(
        "/api/v1/reports",
        {
            "uri": servers.uri,
            "comment": widget,
            "reason": "other",
            "note": "Information fausse sur les îlots de fraîcheur",
        },
    )
    page = context_factory().new_page()
    page.goto(servers.base + "/mod/login?next=/mod/reports")
    page.fill("input[name=name]", servers.moderator[0])
    page.fill("input[name=password]", servers.moderator[1])
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    expect(page.locator(f"#r{nojs}")).to_be_visible()
    expect(page.locator(f"#r{widget}")).to_contain_text("Information fausse")
    shot(page, artifacts, "24-moderator-reports-queue")
    with page.expect_navigation():
        page.locator(f"#r{widget} .parvis-approve").click()
    expect(page.locator(f"#r{widget}")).to_have_count(0)
    expect(page.locator(f"#r{nojs}")).to_be_visible()
