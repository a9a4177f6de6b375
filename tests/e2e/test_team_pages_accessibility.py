"""Every page the team and the readers use, in Chromium at a desktop's and a phone's size:
no WCAG 2.2 A/AA violation by axe-core (vendored from npm, tests/e2e/vendor/axe-core), no
sideways scrolling at 320 px, and on a French page no English message and no raw code.

One browser for the session; each test opens its page in fresh contexts (desktop, phone,
320 px). The data the pages show (a flagged comment, a report, a ban, audit entries of
every kind the team makes) is set up once for the module through the pages themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from babel.messages.pofile import read_po

from parvis.web import labels
from tests.e2e.conftest import Servers
from tools.messages import po_path

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text("utf-8")
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 740}
URI = "/2025/12/01/accessibilite-equipe"


def _codes() -> set[str]:
    """Stored codes a French page must name, not show. Those that are also French words
    (spam, comment, note...) cannot be told apart from text, and are left out."""
    tables = (
        labels.ACTIONS,
        labels.COMMENT_STATUSES,
        labels.MAIL_STATUSES,
        labels.MAIL_KINDS,
        labels.BAN_KINDS,
        labels.MODES,
        labels.ROLES,
        labels.REPORT_REASONS,
    )
    french = {"spam", "comment", "confirm", "alert", "default", "mode", "post", "pre"}
    return {code for table in tables for code in table} - french | {"automatic", "client"}


RAW = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, _codes()))) + r")(?![\w-])")


def _english() -> re.Pattern[str]:
    """The catalogue's English messages whose French differs: long enough (two words or
    more) not to be a French word too; placeholders cut them into their literal parts."""
    with po_path("fr").open("rb") as f:
        catalog = read_po(f, locale="fr")
    parts: set[str] = set()
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for msgid in ids:
            if msgid in strings:
                continue
            for part in re.split(r"%\(\w+\)[sd]|\{\w+\}", msgid):
                part = part.strip(" .,:;!?()#…—-")
                if len(part.split()) >= 2 and len(part) >= 10:
                    parts.add(part)
    return re.compile("|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True)))


ENGLISH = _english()

# What the page says: its text, and the names and hints it gives to assistive technology.
PAGE_WORDS = """() => {
  const root = document.querySelector("main") || document.body;
  const attrs = [...document.querySelectorAll("[aria-label], [title], [placeholder], [alt]")]
    .flatMap(e => ["aria-label", "title", "placeholder", "alt"].map(a => e.getAttribute(a) || ""));
  return [root.innerText, document.title, ...attrs].join("\\n");
}"""
AXE_RUN = """async (tags) => (await axe.run(document, {
  runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]}))
  .violations.map(v => `${v.id} (${v.impact}): ` + v.nodes.slice(0, 3)
    .map(n => n.target.join(" ") + " " + (n.failureSummary || "").split("\\n").slice(1, 2))
    .join(" | "))"""


@pytest.fixture(scope="module")
def team(servers: Servers, browser: Any, signed_in: Any) -> Iterator[dict[str, Any]]:
    """An admin's session, and the comments, report, ban and decisions the pages show."""
    title = "Accessibilité de l’équipe"
    flagged = servers.post(
        "Espèce de connard, tu ne comprends rien.", "Vindicatif", uri=URI, title=title
    )
    calm = [
        servers.post(text, f"Lecteur {n}", uri=URI, title=title)
        for n, text in enumerate(
            (
                "Merci pour cet article très clair sur les transports.",
                "Les horaires des bus de nuit mériteraient un article à part entière.",
            )
        )
    ]
    state = signed_in(servers.admin)
    ctx = browser.new_context(locale="fr-FR", viewport=DESKTOP, storage_state=state)
    page = ctx.new_page()  # the charter's checks run in the server's worker
    for _ in range(50):
        page.goto(servers.base + "/mod/queue?author=Vindicatif")
        if page.locator(f"#q{flagged} [data-rule]").count():
            break
        page.wait_for_timeout(200)
    # Decisions of every kind the audit log names: approve and undo, a ban with its note,
    # a lifted ban, a moderation mode, a reader's report on a published comment.
    servers.decide(calm[0])
    page.goto(servers.base + f"/mod/bans?comment={flagged}")
    page.fill("form.parvis-ban-form input[name=reason]", "Insultes")
    page.click("form.parvis-ban-form button[type=submit]")
    page.wait_for_load_state()
    page.goto(servers.base + "/mod/bans")
    page.select_option("form.parvis-ban-form select[name=kind]", "author")
    page.fill("form.parvis-ban-form input[name=value]", "Usurpateur")
    page.fill("form.parvis-ban-form input[name=reason]", "Usurpation d’identité")
    page.click("form.parvis-ban-form button[type=submit]")
    page.wait_for_load_state()
    page.locator("button.parvis-lift").first.click()
    page.wait_for_load_state()
    page.goto(servers.base + "/mod/articles")
    row = page.locator("tr", has_text="Accessibilité")
    row.locator("select[name=mode]").select_option("post")
    row.locator(".parvis-mode-form button").click()
    page.wait_for_load_state()
    servers.api(
        "/api/v1/reports", {"uri": URI, "comment": calm[0], "reason": "other", "note": "Hors sujet"}
    )
    ctx.close()
    yield {"state": state, "flagged": flagged, "calm": calm}


PAGES = [
    ("thread", "/thread?uri=" + quote(URI), False),
    ("login", "/mod/login", False),
    ("queue", "/mod/queue", True),
    ("bulk approval", "/mod/approve-unflagged", True),
    ("reports", "/mod/reports", True),
    ("audit", "/mod/audit", True),
    ("stats", "/mod/stats", True),
    ("bans", "/mod/bans", True),
    ("ban form", "/mod/bans?comment={flagged}", True),
    ("users", "/mod/users", True),
    ("articles", "/mod/articles", True),
    ("outbox", "/mod/outbox", True),
    ("alerts", "/mod/alerts", True),
]


def _axe(page: Any) -> list[str]:
    page.add_script_tag(content=AXE)
    violations: list[str] = page.evaluate(AXE_RUN, WCAG_22_AA)
    return violations


@pytest.mark.parametrize(("name", "path", "logged_in"), PAGES, ids=[p[0] for p in PAGES])
def test_page_is_accessible_in_french_and_fits_a_phone(
    servers: Servers,
    browser: Any,
    team: dict[str, Any],
    artifacts: Path,
    name: str,
    path: str,
    logged_in: bool,
) -> None:
    url = servers.base + path.format(flagged=team["flagged"])
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        ctx = browser.new_context(
            locale="fr-FR",
            viewport=viewport,
            bypass_csp=True,  # to add axe's script to the page
            storage_state=team["state"] if logged_in else None,
        )
        try:
            page = ctx.new_page()
            assert page.goto(url).status == 200, url
            words = page.evaluate(PAGE_WORDS)
            assert not RAW.findall(words), f"{name} shows raw codes: {set(RAW.findall(words))}"
            assert not ENGLISH.findall(words), f"{name} in English: {set(ENGLISH.findall(words))}"
            violations = _axe(page)
            page.screenshot(path=str(artifacts / f"a11y-{name.replace(' ', '-')}-{size}.png"))
            assert not violations, f"{name} at {size}: {violations}"
            sizes = [viewport] if size == "desktop" else [viewport, NARROW]
            for box in sizes:
                page.set_viewport_size(box)
                width = page.evaluate("document.scrollingElement.scrollWidth")
                assert width <= box["width"], f"{name} scrolls sideways at {box['width']} px"
        finally:
            ctx.close()


def test_the_widget_with_its_hint_open_is_accessible(
    servers: Servers, browser: Any, artifacts: Path
) -> None:
    """On the publisher's page, the reader asked "Vérifier" and the charter's hint shows."""
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        ctx = browser.new_context(locale="fr-FR", viewport=viewport, bypass_csp=True)
        try:
            page = ctx.new_page()
            page.goto(servers.host)
            form = page.locator("section.parvis[data-parvis-ready] #parvis-form")
            form.locator("textarea[name=text]").fill("Les enfant sont aller a l ecole hier.")
            with page.expect_response(lambda r: r.url.endswith("/api/v1/check")):
                form.locator(".parvis-check").click()
            hint = form.locator(".parvis-checked")
            hint.locator("mark.parvis-spell").first.wait_for()
            width = page.evaluate("document.scrollingElement.scrollWidth")
            assert width <= viewport["width"], f"the widget scrolls sideways: {width} px"
            violations = _axe(page)
            hint.scroll_into_view_if_needed()
            page.screenshot(path=str(artifacts / f"a11y-widget-hint-{size}.png"))
            assert not violations, f"widget at {size}: {violations}"
        finally:
            ctx.close()
