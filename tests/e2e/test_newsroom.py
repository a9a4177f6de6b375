"""The newsroom's pages in a real browser: a bulk approval that shows, asks and can be taken
back; bans that hit the author and say how far they reach; the audit log in French with a
list of actions; the queue on a phone; the finished look (menu, scores, links' size and
contrast)."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Servers

pytestmark = pytest.mark.browser

URI = "/2025/12/02/la-redaction-au-quotidien"
PHONE = {"width": 390, "height": 844}


def post(servers: Servers, author: str, text: str) -> int:
    return servers.post(text, author=author, uri=URI, title="La rédaction au quotidien")


def published(servers: Servers, uri: str = URI) -> int:
    with urllib.request.urlopen(
        servers.base + "/api/v1/counts?uri=" + quote(uri), timeout=20
    ) as res:
        return int(json.loads(res.read())["counts"][uri])


def checked(page: Any, servers: Servers, *ids: int) -> None:
    """Wait until the server's worker has run the charter's checks on these comments."""
    for _ in range(100):
        page.goto(servers.base + "/mod/approve-unflagged")
        if all(page.locator(f"#p{i}").count() for i in ids):
            return
        page.wait_for_timeout(200)
    pytest.fail(f"comments {ids} never showed as checked and unflagged")


def test_bulk_approval_shows_what_it_publishes_asks_and_can_be_taken_back(
    servers: Servers, context_factory: Any, signed_in: Any, artifacts: Path
) -> None:
    calm = [
        post(servers, "Abonnée de Brest", "Merci pour ce dossier, il éclaire bien le débat."),
        post(servers, "Lecteur du Nord", "Je me demande ce qu'en pensent les syndicats."),
        post(servers, "Marcheuse", "La piste cyclable du port est enfin ouverte, bravo."),
    ]
    polite_hate = post(  # flags nothing, yet must not go out unread
        servers, "Poli", "Ces gens-là ne sont pas comme nous et ne le seront jamais."
    )
    page = context_factory(storage_state=signed_in(servers.admin)).new_page()
    checked(page, servers, *calm, polite_hate)

    # One click on the queue's button publishes nothing: it opens the preview.
    page.goto(servers.base + "/mod/queue")
    before = published(servers)
    page.get_by_role("button", name=re.compile("sans signalement")).click()
    page.wait_for_url("**/mod/approve-unflagged*")
    assert published(servers) == before
    count = page.locator(".parvis-bulk-count")
    expect(count).to_contain_text(re.compile(r"\d+ commentaires seront publiés"))
    expect(page.locator(f"#p{polite_hate}")).to_contain_text("ne le seront jamais")
    expect(page.locator(".parvis-warning")).to_contain_text("annuler tout le lot")
    page.screenshot(path=str(artifacts / "40-bulk-preview.png"), full_page=True)

    # The moderator publishes only what they read and keep: every other box unticked.
    for box in page.locator('input[name="ids"]').all():
        if int(box.get_attribute("value") or 0) not in calm:
            box.uncheck()
    page.get_by_role("button", name="Publier les commentaires cochés").click()
    page.wait_for_url("**/mod/queue?batch=**")
    notice = page.locator(".parvis-batch-done")
    expect(notice).to_contain_text("3 commentaires publiés en un lot.")
    assert published(servers) == before + 3
    assert page.locator(f"#q{polite_hate}").count() == 1  # still waiting for a person
    page.screenshot(path=str(artifacts / "41-bulk-done.png"))

    # The whole batch goes back to the queue with one button.
    notice.get_by_role("button", name=re.compile("Annuler tout le lot")).click()
    page.wait_for_url("**/mod/queue?batch_undone=3")
    expect(page.locator(".parvis-notice").first).to_contain_text(
        "3 commentaires sont de retour dans la file."
    )
    assert published(servers) == before
    for comment_id in calm:
        expect(page.locator(f"#q{comment_id}")).to_have_count(1)


def test_a_ban_defaults_to_the_author_and_says_how_far_it_reaches(
    servers: Servers, context_factory: Any, signed_in: Any, artifacts: Path
) -> None:
    first = post(servers, "Rageur", "Vous êtes des vendus, tous autant que vous êtes.")
    second = post(servers, "rageur", "Je reviendrai sous un autre nom s'il le faut.")
    page = context_factory(storage_state=signed_in(servers.admin)).new_page()
    page.goto(servers.base + f"/mod/queue?author=Rageur#q{first}")
    page.click(f"#q{first} .parvis-ban-link")
    page.wait_for_url(f"**/mod/bans?comment={first}")
    form = page.locator("form.parvis-ban-form")
    # Every reader here comes from 127.0.0.1 with no trusted proxy: no fingerprint offered.
    expect(form.locator("input[name=kind][value=client]")).to_have_count(0)
    expect(form.locator("input[name=kind][value=author]")).to_be_checked()
    expect(form).to_contain_text("Vaut pour les commentaires signés de ce pseudonyme")
    expect(form).to_contain_text("Il concerne 2 de ses commentaires en attente")
    expect(page.locator(".parvis-no-fingerprint")).to_contain_text("server.trusted_proxy")
    expect(form.locator("select[name=days] option:checked")).to_contain_text(
        re.compile(r"7 jours, jusqu’au \d+ \S+ \d{4}")
    )
    form.locator("input[name=reject_pending]").check()
    form.locator("input[name=reason]").fill("Insultes envers la rédaction")
    page.screenshot(path=str(artifacts / "42-ban-form.png"), full_page=True)
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/mod/bans?banned=**")
    expect(page.locator(".parvis-notice").first).to_contain_text(
        "2 commentaires en attente refusés."
    )
    row = page.locator(".parvis-bans-table tr", has_text="Insultes envers la rédaction")
    expect(row).to_contain_text("Pseudonyme · Rageur")
    expect(row).to_contain_text(re.compile(r"\d{4} à \d\d:\d\d"))  # the end, not "for good"
    page.goto(servers.base + "/mod/queue?order=oldest")
    for comment_id in (first, second):
        expect(page.locator(f"#q{comment_id}")).to_have_count(0)
    # A moderator is told why they cannot ban, not just refused.
    other = context_factory(storage_state=signed_in(servers.moderator)).new_page()
    other.goto(servers.base + "/mod/queue")
    expect(other.locator(".parvis-ban-link")).to_have_count(0)
    response = other.goto(servers.base + "/mod/bans")
    assert response is not None and response.status == 403
    expect(other.locator(".parvis-ban-refused")).to_contain_text(
        "Demandez à un administrateur de bannir cet auteur"
    )


def test_the_audit_log_speaks_french_and_lists_its_actions(
    servers: Servers, context_factory: Any, signed_in: Any, artifacts: Path
) -> None:
    page = context_factory(storage_state=signed_in(servers.admin)).new_page()
    page.goto(servers.base + "/mod/bans")
    page.select_option("form.parvis-ban-form select[name=kind]", "author")
    page.fill("form.parvis-ban-form input[name=value]", "Faux Nez")
    page.select_option("form.parvis-ban-form select[name=days]", "30")
    page.fill("form.parvis-ban-form input[name=reason]", "Usurpation")
    page.click("form.parvis-ban-form button[type=submit]")
    page.wait_for_url("**/mod/bans?banned=**")

    page.goto(servers.base + "/mod/audit")
    actions = page.locator("select[name=action]")
    options = actions.locator("option").all_inner_texts()
    assert "Auteur banni" in options and "Validé par la charte" in options
    assert not [o for o in options if re.fullmatch(r"[a-z-]+", o)], options
    actions.select_option(label="Auteur banni")
    page.click(".parvis-audit-filters button[type=submit]")
    row = page.locator("tr[data-action=ban]").first
    expect(row).to_contain_text("Auteur banni")
    expect(row).to_contain_text(re.compile(r"bannissement n°\s\d+, par pseudonyme, jusqu’au"))
    expect(row).to_contain_text("Usurpation")
    assert "author →" not in row.inner_text()
    page.screenshot(path=str(artifacts / "43-audit-french.png"))


def test_the_queue_on_a_phone_starts_with_the_comments(
    servers: Servers, context_factory: Any, signed_in: Any, artifacts: Path
) -> None:
    post(servers, "Sur mobile", "Les trains régionaux sont encore en retard ce matin.")
    phone = context_factory(
        viewport=PHONE, is_mobile=True, has_touch=True, storage_state=signed_in(servers.moderator)
    )
    page = phone.new_page()
    page.goto(servers.base + "/mod/queue")
    first = page.locator(".parvis-queue-item").first
    top = first.bounding_box()
    assert top is not None and top["y"] < 450, f"the first comment starts {top} down"
    tools = page.locator(".parvis-queue-tools")
    expect(tools.locator("form.parvis-filter-form")).to_be_hidden()
    expect(page.locator(".parvis-keys")).to_be_hidden()
    expect(page.locator(".parvis-mod-nav")).to_be_hidden()  # the menu folds too
    page.screenshot(path=str(artifacts / "44-queue-phone.png"))
    tools.locator("summary").click()
    expect(tools.locator("form.parvis-filter-form")).to_be_visible()
    page.locator(".parvis-mod-menu > summary").click()
    expect(page.locator(".parvis-mod-nav a[href='/mod/articles']")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


CONTRAST = """el => {
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(c => c / 255)
    .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
    .reduce((a, c, i) => a + c * [0.2126, 0.7152, 0.0722][i], 0);
  let bg = el;
  const clear = e => getComputedStyle(e).backgroundColor.endsWith(", 0)");
  while (bg && clear(bg)) bg = bg.parentElement;
  const back = bg ? getComputedStyle(bg).backgroundColor : "rgb(255, 255, 255)";
  const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(rgb(back))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def _contrast(page: Any, selector: str) -> float:
    """WCAG contrast ratio of an element's text on its (first opaque) background."""
    return float(page.locator(selector).first.evaluate(CONTRAST))


def test_the_finished_look(servers: Servers, context_factory: Any, signed_in: Any) -> None:
    page = context_factory(storage_state=signed_in(servers.admin)).new_page()
    page.goto(servers.base + "/mod/queue")
    nav = page.locator(".parvis-mod-nav")
    expect(nav.locator("a[href='/mod/articles']")).to_have_text("Articles")
    page.goto(servers.base + "/mod/reports")
    assert not re.search(r"(?<![\d,])0[.,]00(?!\d)", page.inner_text("main"))
    for selector in (".parvis-queue-meta", ".parvis-lead-mod"):
        page.goto(servers.base + ("/mod/reports" if "meta" in selector else "/mod/audit"))
        if page.locator(selector).count():
            assert _contrast(page, selector) >= 7, selector
    page.goto(servers.base + "/mod/audit")
    only = page.locator(".parvis-audit-only").first
    box = only.bounding_box()
    assert box and box["width"] >= 24 and box["height"] >= 24, box

    reader = context_factory(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    reader.goto(servers.host)
    section = reader.locator("section.parvis[data-parvis-ready]")
    article = section.locator(".parvis-report-article .parvis-report")
    style = article.evaluate(
        "a => [getComputedStyle(a).textDecorationLine, getComputedStyle(a).fontWeight]"
    )
    assert style[0] == "underline" and int(style[1]) >= 600, style  # a link, not a label
    for link in (article, section.locator(".parvis-comment-footer .parvis-report").first):
        box = link.bounding_box()
        assert box and box["height"] >= 24, box
    assert _contrast(reader, ".parvis-date") >= 7
