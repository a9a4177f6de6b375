"""One story in a real browser: readers post with and without JavaScript, a moderator
approves their comments with the keyboard, the readers find them published.

The tests share one server (see conftest.py); each makes the comments it needs.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import MORE_PAGE_SIZE, Servers

pytestmark = pytest.mark.browser

PENDING = re.compile(r"en attente de validation")
CHECKING = re.compile(r"en cours de vérification")


def settled_notice(page: Any) -> None:
    """Without JS: while the charter's checks run, the notice offers a link to the result."""
    notice = page.locator("#parvis-notice")
    deadline = time.monotonic() + 60  # the checks queue behind whatever else the machine runs
    while CHECKING.search(notice.inner_text()) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        with page.expect_navigation():
            notice.get_by_role("link").click()
    expect(notice).to_have_text(PENDING)


NOJS_COMMENT = (
    "Merci pour cet article très complet. Les îlots de fraîcheur devraient rester ouverts."
)
NOJS_REPLY = "Je suis bien d'accord avec vous : la ville doit s'adapter rapidement."
WIDGET_COMMENT = "Dans notre quartier, les arbres plantés il y a dix ans font une vraie différence."
WIDGET_REPLY = "Vous avez raison, et il faudrait aussi ouvrir les cours d'école le soir."
MISTAKES = "Les enfant sont aller a l ecole hier et il on manger des pomme."
EDITED = "Dans notre quartier, les arbres plantés il y a vingt ans font une vraie différence."


def shot(page: Page, artifacts: Path, name: str, **options: Any) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), **options)


def comment(page: Page, comment_id: int | str) -> Any:
    return page.locator(f'.parvis-comment[data-id="{comment_id}"]')


def submit_in_place(page: Page, form: Any) -> int:
    """Send the widget's form; the JSON API answers, the page stays where it is."""
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/comments") and r.request.method == "POST"
    ) as r:
        form.locator(".parvis-submit").click()
    assert r.value.status == 201, r.value.text()
    return int(r.value.json()["id"])


def posted_id(page: Page) -> int:
    query = parse_qs(urlparse(page.url).query)
    assert query["status"] == ["pending"], page.url
    return int(query["posted"][0])


def test_reader_without_javascript_posts_a_comment_and_a_reply(
    servers: Servers, context_factory: Any, artifacts: Path
) -> None:
    page = context_factory(java_script_enabled=False).new_page()
    page.goto(servers.thread_url())
    expect(page.locator("section.parvis")).to_be_visible()
    expect(page.locator("section.parvis")).not_to_have_attribute("data-parvis-ready", "1")

    form = page.locator("#parvis-form")
    form.locator("textarea[name=text]").fill(NOJS_COMMENT)
    form.locator("input[name=author]").fill("Lectrice sans script")
    with page.expect_navigation():
        form.locator(".parvis-submit").click()
    first = posted_id(page)
    settled_notice(page)
    expect(page.locator("#parvis-notice")).to_be_in_viewport()
    shot(page, artifacts, "01-nojs-pending-notice")

    parent = page.locator("#parvis-comments > .parvis-comment").first
    parent_id = parent.get_attribute("data-id")
    with page.expect_navigation():
        parent.locator(".parvis-reply").first.click()
    assert parse_qs(urlparse(page.url).query)["reply"] == [parent_id]
    expect(form.locator("input[name=parent]")).to_have_value(parent_id or "")
    expect(form.locator(".parvis-replying")).to_contain_text(f"{parent_id}")
    form.locator("textarea[name=text]").fill(NOJS_REPLY)
    form.locator("input[name=author]").fill("Lectrice sans script")
    with page.expect_navigation():
        form.locator(".parvis-submit").click()
    reply = posted_id(page)
    settled_notice(page)
    assert reply > first


def test_reader_with_the_widget_posts_a_comment_and_a_reply_in_place(
    servers: Servers, context_factory: Any, artifacts: Path
) -> None:
    ctx = context_factory()
    page = ctx.new_page()
    page.goto(servers.host)
    section = page.locator("section.parvis[data-parvis-ready]")
    expect(section).to_be_visible()
    stylesheet = f'link[rel=stylesheet][href="{servers.base}/static/parvis.css"]'
    assert page.locator(stylesheet).count() == 1
    form = page.locator("#parvis-form")

    # An error comes back next to its field; what was typed stays.
    form.locator("input[name=author]").fill("Lecteur du Quotidien")
    form.locator(".parvis-submit").click()
    error = form.locator("#parvis-error-text")
    expect(error).to_be_visible()
    expect(form.locator("textarea[name=text]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("textarea[name=text]")).to_be_focused()
    expect(form.locator("input[name=author]")).to_have_value("Lecteur du Quotidien")
    shot(page, artifacts, "02-widget-field-error")

    # A comment, posted in place.
    form.locator("textarea[name=text]").fill(WIDGET_COMMENT)
    expect(error).to_have_count(0)
    mine = submit_in_place(page, form)
    expect(page.locator("#parvis-notice")).to_have_text(PENDING)
    preview = comment(page, mine)
    expect(preview).to_contain_text(WIDGET_COMMENT)
    expect(preview.locator(".parvis-badge")).to_have_text(PENDING)
    expect(preview.locator(".parvis-edit")).to_be_visible()
    expect(preview.locator(".parvis-delete")).to_be_visible()
    expect(form.locator("textarea[name=text]")).to_have_value("")
    assert page.url.rstrip("/") == servers.host
    shot(page, artifacts, "03-widget-pending-preview")

    # Edit it while the edit window is open.
    preview.locator(".parvis-edit").click()
    editor = preview.locator(".parvis-edit-form textarea")
    expect(editor).to_be_focused()
    editor.fill(EDITED)
    preview.locator(".parvis-edit-form .parvis-submit").click()
    expect(preview.locator(".parvis-body")).to_have_text(EDITED)
    expect(preview.locator(".parvis-edit-form")).to_have_count(0)

    # A reply: with the keyboard, the form moves under the comment, then comes back.
    parent = page.locator("#parvis-comments > .parvis-comment:not(.parvis-own)").first
    parent_id = parent.get_attribute("data-id")
    parent.locator(".parvis-reply").first.focus()
    page.keyboard.press("Enter")
    expect(parent.locator(":scope > #parvis-form")).to_be_visible()
    expect(form.locator("textarea[name=text]")).to_be_focused()
    expect(form.locator("input[name=parent]")).to_have_value(parent_id or "")
    expect(form.locator(".parvis-replying")).to_contain_text(f"{parent_id}")
    page.keyboard.press("Escape")  # changed my mind
    expect(page.locator("section.parvis > #parvis-form")).to_be_visible()
    expect(form.locator("input[name=parent]")).to_have_value("")
    parent.locator(".parvis-reply").first.click()
    expect(parent.locator(":scope > #parvis-form")).to_be_visible()
    form.locator("textarea[name=text]").fill(WIDGET_REPLY)
    parent.scroll_into_view_if_needed()
    shot(page, artifacts, "04-widget-reply-form")
    reply = submit_in_place(page, form)
    in_place = parent.locator(f':scope > .parvis-replies > .parvis-own[data-id="{reply}"]')
    expect(in_place).to_contain_text(WIDGET_REPLY)
    expect(page.locator("#parvis-notice")).to_have_text(PENDING)
    expect(page.locator("section.parvis > #parvis-form")).to_be_visible()
    expect(form.locator(".parvis-replying")).to_have_count(0)
    shot(page, artifacts, "05-widget-reply-pending")

    # A third one, deleted at once.
    form.locator("textarea[name=text]").fill("Un message que je retire aussitôt.")
    doomed = submit_in_place(page, form)
    page.once("dialog", lambda dialog: dialog.accept())
    comment(page, doomed).locator(".parvis-delete").click()
    expect(comment(page, doomed)).to_have_count(0)
    expect(comment(page, mine)).to_have_count(1)


def test_moderator_approves_the_readers_comments_with_the_keyboard(
    servers: Servers, context_factory: Any, artifacts: Path
) -> None:
    author = "Lecteur du clavier"
    published = servers.published()
    targets = [
        servers.post(NOJS_COMMENT, author),
        servers.post(NOJS_REPLY, author, parent=published[0]),
        servers.post(WIDGET_COMMENT, author),
        servers.post(WIDGET_REPLY, author, parent=published[1]),
    ]
    other = servers.post("Un dernier message, que la modératrice refusera.", author)
    page = context_factory().new_page()
    page.goto(f"{servers.base}/mod/queue")
    page.locator("input[name=name]").fill(servers.moderator[0])
    page.locator("input[name=password]").fill(servers.moderator[1])
    with page.expect_navigation():
        page.locator(".parvis-login button[type=submit]").click()
    assert urlparse(page.url).path == "/mod/queue"
    page.goto(f"{servers.base}/mod/queue?author={author}")
    items = page.locator(".parvis-queue-item")
    for t in targets:
        expect(items.and_(page.locator(f'[data-id="{t}"]'))).to_have_count(1)

    # j moves the focus (visibly), x selects, "select all" selects every item.
    page.keyboard.press("j")
    expect(items.first).to_be_focused()
    expect(items.first).to_have_class(re.compile("parvis-current"))
    page.keyboard.press("x")
    expect(items.first.locator("input[name=ids]")).to_be_checked()
    page.keyboard.press("x")
    expect(items.first.locator("input[name=ids]")).not_to_be_checked()
    page.locator(".parvis-select-all").check()
    expect(page.locator("input[name=ids]:not(:checked)")).to_have_count(0)
    page.locator(".parvis-select-all").uncheck()
    expect(page.locator("input[name=ids]:checked")).to_have_count(0)
    items.first.focus()
    shot(page, artifacts, "06-moderation-queue")

    for t in targets:
        order = items.evaluate_all("els => els.map(e => Number(e.dataset.id))")
        here = page.evaluate("() => Number(document.activeElement.dataset.id)")
        step = order.index(t) - order.index(here)
        for _ in range(abs(step)):
            page.keyboard.press("j" if step > 0 else "k")
        assert page.evaluate("() => Number(document.activeElement.dataset.id)") == t
        page.keyboard.press("a")
        expect(page.locator(f'.parvis-queue-item[data-id="{t}"]')).to_have_count(0)
        expect(page.locator("#parvis-mod-status")).to_contain_text(f"#{t}")
    shot(page, artifacts, "07-moderation-after-approval")

    # The item's own button: the same request, no reload.
    expect(items).to_have_count(1)
    assert items.first.get_attribute("data-id") == str(other)
    items.first.locator(".parvis-reject").click()
    expect(page.locator(f'.parvis-queue-item[data-id="{other}"]')).to_have_count(0)
    assert urlparse(page.url).path == "/mod/queue"

    api = f"{servers.base}/api/v1/comments?uri={servers.uri}&limit=50"
    published = page.request.get(api).json()
    ids: set[int] = set()
    stack = list(published["comments"])
    while stack:
        c = stack.pop()
        ids.add(c["id"])
        stack.extend(c["replies"])
    assert set(targets) <= ids
    assert other not in ids


def test_moderator_buttons_work_without_javascript(
    servers: Servers, context_factory: Any, artifacts: Path
) -> None:
    author = "Lectrice des boutons"
    first = servers.post("Les fontaines publiques sont une bonne idée pour cet été.", author)
    page = context_factory(java_script_enabled=False).new_page()
    page.goto(f"{servers.base}/mod/login")
    page.locator("input[name=name]").fill(servers.moderator[0])
    page.locator("input[name=password]").fill(servers.moderator[1])
    with page.expect_navigation():
        page.locator(".parvis-login button[type=submit]").click()
    page.goto(f"{servers.base}/mod/queue?author={author}")
    item = page.locator(f'.parvis-queue-item[data-id="{first}"]')
    expect(item).to_have_count(1)
    with page.expect_navigation():
        item.locator(".parvis-approve").click()
    assert parse_qs(urlparse(page.url).query)["done"] == ["1"]
    expect(page.locator(".parvis-notice")).to_be_visible()
    expect(page.locator(f'.parvis-queue-item[data-id="{first}"]')).to_have_count(0)


def test_reader_finds_the_approved_comments_with_their_numbers(
    servers: Servers, context_factory: Any, artifacts: Path
) -> None:
    first = servers.post(NOJS_COMMENT, "Lectrice sans script")
    reply = servers.post(NOJS_REPLY, "Lectrice sans script", parent=servers.published()[0])
    # A widget reader posts a comment and a reply; the moderator approves all four.
    ctx = context_factory()
    page = ctx.new_page()
    page.goto(servers.host)
    form = page.locator("section.parvis[data-parvis-ready] #parvis-form")
    form.locator("input[name=author]").fill("Lecteur du Quotidien")
    form.locator("textarea[name=text]").fill(EDITED)
    mine = submit_in_place(page, form)
    page.locator("#parvis-comments > .parvis-comment:not(.parvis-own)").first.locator(
        ".parvis-reply"
    ).first.click()
    form.locator("textarea[name=text]").fill(WIDGET_REPLY)
    my_reply = submit_in_place(page, form)
    for comment_id in (first, reply, mine, my_reply):
        servers.decide(comment_id, "approve")

    # Without JavaScript: a link to the comment's number lands on it.
    page = context_factory(java_script_enabled=False).new_page()
    page.goto(servers.thread_url() + f"#{first}")
    anchor = page.locator(f'[id="{first}"]')
    expect(anchor).to_be_visible()
    expect(anchor).to_be_in_viewport()
    expect(anchor.locator(".parvis-permalink").first).to_have_text(f"#{first}")
    expect(anchor).to_contain_text(NOJS_COMMENT)
    expect(page.locator(f'[id="{reply}"]')).to_contain_text(NOJS_REPLY)
    shot(page, artifacts, "08-nojs-published-anchor")

    # The widget reader reloads: the server now shows the comments, once, still editable.
    page = ctx.new_page()
    page.goto(servers.host)
    expect(page.locator("section.parvis[data-parvis-ready]")).to_be_visible()
    mine_el = page.locator(f'[id="{mine}"]')
    expect(mine_el).to_be_visible()
    expect(mine_el.locator(".parvis-permalink").first).to_have_text(f"#{mine}")
    expect(mine_el.locator(":scope > .parvis-body")).to_have_text(EDITED)
    expect(comment(page, mine)).to_have_count(1)
    expect(mine_el.locator(":scope > .parvis-own-actions .parvis-edit")).to_be_visible()
    expect(page.locator(f'[id="{my_reply}"]')).to_contain_text(WIDGET_REPLY)
    expect(comment(page, my_reply)).to_have_count(1)
    mine_el.scroll_into_view_if_needed()
    shot(page, artifacts, "09-widget-published")


def _top_level(page: Page) -> Any:
    return page.locator("#parvis-comments > .parvis-comment")


def test_earlier_comments_load_in_place(
    servers: Servers, context_factory: Any, artifacts: Path
) -> None:
    ctx = context_factory()

    # In the widget on the publisher's page.
    page = ctx.new_page()
    page.goto(servers.host)
    more = page.locator("section.parvis a.parvis-more")
    expect(more).to_be_visible()
    before = _top_level(page).count()
    cursor = more.get_attribute("data-before")
    more.click()
    expect(_top_level(page)).not_to_have_count(before)
    after = _top_level(page).count()
    assert after == before + MORE_PAGE_SIZE  # a page at a time, not all that is left
    assert page.url.rstrip("/") == servers.host
    if more.count():
        assert more.get_attribute("data-before") != cursor
    every = page.locator("#parvis-comments .parvis-comment")
    ids = every.evaluate_all("els => els.map(e => e.dataset.id)")
    assert len(ids) == len(set(ids)), "a comment shown twice"
    _top_level(page).nth(before).scroll_into_view_if_needed()
    shot(page, artifacts, "10-widget-earlier-comments")

    # On the server's own page, with the keyboard: the focus goes to the first new comment.
    page = ctx.new_page()
    page.goto(servers.thread_url())
    expect(page.locator("section.parvis[data-parvis-ready]")).to_be_visible()
    before = _top_level(page).count()
    page.locator("a.parvis-more").focus()
    page.keyboard.press("Enter")
    expect(_top_level(page).nth(before)).to_be_focused()
    assert urlparse(page.url).path == "/thread"
    # The next page's own "earlier comments" link, if any, works too, a page at a time.
    while page.locator("a.parvis-more").count():
        count = _top_level(page).count()
        page.locator("a.parvis-more").click()
        expect(_top_level(page)).not_to_have_count(count)
        assert _top_level(page).count() - count <= MORE_PAGE_SIZE
    shot(page, artifacts, "11-thread-all-pages", full_page=False)

    # Without JavaScript the link opens the earlier page: a page's worth, with its own link.
    plain = context_factory(java_script_enabled=False).new_page()
    plain.goto(servers.thread_url())
    plain.locator("a.parvis-more").click()
    plain.wait_for_url("**before=**")
    assert 0 < _top_level(plain).count() <= MORE_PAGE_SIZE


def test_small_screen_layout(servers: Servers, context_factory: Any, artifacts: Path) -> None:
    page = context_factory(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    page.goto(servers.host)
    expect(page.locator("section.parvis[data-parvis-ready]")).to_be_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, "the widget overflows a phone's screen"
    page.locator(".parvis-replies").first.scroll_into_view_if_needed()
    shot(page, artifacts, "12-phone-replies")


def test_widget_fills_a_container_in_english_with_the_publishers_colour(
    servers: Servers, context_factory: Any, artifacts: Path
) -> None:
    page = context_factory().new_page()
    page.goto(servers.host + "/daily")
    section = page.locator("#comments > section.parvis[data-parvis-ready]")
    expect(section).to_be_visible()
    expect(section).to_have_attribute("data-parvis-lang", "en")
    expect(section.locator(".parvis-submit")).to_have_text("Publish")
    expect(page.locator("#comments > a")).to_have_count(0)  # the no-script link is replaced
    colour = section.locator(".parvis-submit").evaluate("b => getComputedStyle(b).backgroundColor")
    assert colour == "rgb(0, 83, 159)"
    section.locator("textarea[name=text]").fill("   ")
    section.locator("input[name=author]").fill("Reader")
    section.locator(".parvis-submit").click()
    expect(section.locator("#parvis-error-text")).to_have_text(re.compile("empty"))
    shot(page, artifacts, "13-daily-english-target")


def test_widget_check_shows_the_mistakes_before_posting(
    servers: Servers, context_factory: Any, artifacts: Path
) -> None:
    page = context_factory().new_page()
    page.goto(servers.host)
    form = page.locator("section.parvis[data-parvis-ready] #parvis-form")
    form.locator("textarea[name=text]").fill(MISTAKES)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/check")) as r:
        form.locator(".parvis-check").click()
    assert r.value.status == 200
    checked = form.locator(".parvis-checked")
    expect(checked).to_be_visible()
    expect(checked.locator("mark.parvis-spell").first).to_be_visible()
    expect(checked.locator('mark.parvis-spell:text-is("ecole")')).to_have_count(1)
    expect(checked.locator(".parvis-suggestions").first).to_be_visible()
    expect(checked).to_contain_text("école")
    expect(form.locator("textarea[name=text]")).to_have_value(MISTAKES)  # nothing was posted
    assert page.url.rstrip("/") == servers.host
    checked.scroll_into_view_if_needed()
    shot(page, artifacts, "14-widget-check")


def test_widget_underlines_mistakes_as_the_reader_types(
    servers: Servers, context_factory: Any, artifacts: Path
) -> None:
    page = context_factory().new_page()
    page.goto(servers.host)
    form = page.locator("section.parvis[data-parvis-ready] #parvis-form")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/check"), timeout=5000) as r:
        form.locator("textarea[name=text]").press_sequentially(MISTAKES, delay=5)
    assert r.value.status == 200  # sent by itself once the reader paused
    checked = form.locator(".parvis-checked")
    expect(checked).to_be_visible()
    expect(checked.locator('mark.parvis-spell:text-is("ecole")')).to_have_count(1)
    shot(page, artifacts, "15-widget-check-while-typing")


def test_widget_follows_the_article_by_mail(
    servers: Servers, context_factory: Any, artifacts: Path
) -> None:
    page = context_factory().new_page()
    page.goto(servers.host)
    section = page.locator("section.parvis[data-parvis-ready]")
    expect(section).to_be_visible()
    follow = section.locator("form.parvis-follow-form")
    expect(follow).to_have_count(1)
    section.locator(".parvis-follow > summary").click()
    follow.locator("input[name=email]").fill(
        "lectrice@exemple"
    )  # valid for the browser, not the server
    follow.locator("button[type=submit]").click()
    expect(section.locator(".parvis-follow > .parvis-error")).to_be_visible()
    follow.locator("input[name=email]").fill("lectrice@example.org")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/subscriptions")) as r:
        follow.locator("button[type=submit]").click()
    assert r.value.status == 202
    expect(section.locator(".parvis-follow > .parvis-notice")).to_be_visible()
    expect(section.locator(".parvis-follow > .parvis-error")).to_have_count(0)
    assert page.url.rstrip("/") == servers.host
    section.locator(".parvis-follow").scroll_into_view_if_needed()
    shot(page, artifacts, "15-widget-follow")
