"""An admin's tour in a real browser: add a moderator, read the audit log, the statistics.
No script runs on these pages and the CSP reports no violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Servers

pytestmark = pytest.mark.browser


def test_admin_adds_a_moderator_then_reads_the_audit_log_and_the_statistics(
    servers: Servers, context_factory: Any, artifacts: Path
) -> None:
    page = context_factory().new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.goto(f"{servers.base}/mod/login?next=/mod/users")
    page.locator("input[name=name]").fill(servers.admin[0])
    page.locator("input[name=password]").fill(servers.admin[1])
    with page.expect_navigation():
        page.locator(".parvis-login button[type=submit]").click()
    assert page.url.endswith("/mod/users")

    add = page.locator(".parvis-user-add")
    add.locator("input[name=name]").fill("=inès")
    add.locator("select[name=role]").select_option("moderator")
    add.locator("input[name=password]").fill("un mot de passe")
    with page.expect_navigation():
        add.locator("button[type=submit]").click()
    expect(page.locator(".parvis-users")).to_contain_text("=inès")

    page.locator(".parvis-mod-nav a[href='/mod/audit']").click()
    row = page.locator("tr[data-action='moderator-add']").first
    expect(row).to_contain_text(servers.admin[0])
    expect(row).to_contain_text("=inès (modérateur)")  # the role named, not its code
    with page.expect_download() as download:
        page.locator(".parvis-audit-csv").click()
    text = Path(download.value.path()).read_text("utf-8-sig")
    assert "'=inès (moderator)" in text
    page.screenshot(path=str(artifacts / "admin-audit-browser.png"), full_page=True)

    page.locator(".parvis-mod-nav a[href='/mod/stats']").click()
    for chart in ("comments", "queue", "reports"):
        expect(page.locator(f"svg#chart-{chart}")).to_be_visible()
    expect(page.locator("[data-figure=comments]")).not_to_have_text("0")
    page.locator(".parvis-stats-table summary").first.click()
    expect(page.locator(".parvis-stats-table table").first).to_be_visible()
    page.screenshot(path=str(artifacts / "admin-stats-browser.png"), full_page=True)
    assert not [c for c in console if "Content Security Policy" in c], console
