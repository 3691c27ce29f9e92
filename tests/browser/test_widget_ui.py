"""The widget and the no-JavaScript page in headless Chromium against a real ``yorum serve``."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx2 as httpx
import pytest

from tests.servers import Server

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Chromium not found (make test installs it as root)"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    data = tmp_path / "data"
    limits = {"YORUM_COMMENTS_PAGE_SIZE": "3", "YORUM_COMMENTS_REPLY_PAGE_SIZE": "2"}
    srv = Server(data, f"sqlite:///{data / 'yorum.sqlite3'}", env=limits)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def page(browser: object, server: Server) -> Iterator[object]:
    context = browser.new_context(locale="en-US")  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def add_site(server: Server, *args: str) -> None:
    """``yorum site add ARGS`` on the server's data directory."""
    subprocess.run(
        [sys.executable, "-m", "yorum", "site", "add", *args, "--data-dir", str(server.data_dir)],
        check=True,
        capture_output=True,
        env={"YORUM_DATABASE_URL": server.database_url, "PATH": "/usr/bin:/bin"},
    )


def post(page: object, text: str, author: str = "") -> None:
    form = page.locator("form.yorum-form").first  # type: ignore[attr-defined]
    form.get_by_label("Comment").fill(text)
    if author:
        form.get_by_label("Name (optional)").fill(author)
    form.get_by_role("button", name="Post comment").click()


def test_post_reply_preview_vote_edit_delete(page: object, server: Server) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))  # type: ignore[attr-defined]
    page.goto(f"{server.url}/demo")  # type: ignore[attr-defined]
    heading = page.locator(".yorum-count")  # type: ignore[attr-defined]
    playwright_api.expect(heading).to_have_text("No comments yet. Be the first to write one.")

    # An empty comment is refused next to its field, without asking the server.
    page.get_by_role("button", name="Post comment").click()  # type: ignore[attr-defined]
    playwright_api.expect(page.locator("#yorum-new-text-error")).to_have_text(  # type: ignore[attr-defined]
        "Please enter your comment."
    )

    # Preview shows the rendered Markdown, then back to writing.
    form = page.locator("form.yorum-form").first  # type: ignore[attr-defined]
    form.get_by_label("Comment").fill("Hello **bold** world")
    form.get_by_role("button", name="Preview").click()
    playwright_api.expect(form.locator(".yorum-preview strong")).to_have_text("bold")
    form.get_by_role("button", name="Write").click()

    form.get_by_label("Name (optional)").fill("Ann")
    form.get_by_role("button", name="Post comment").click()
    first = page.locator(".yorum-thread > .yorum-comment").first  # type: ignore[attr-defined]
    playwright_api.expect(first.locator(".yorum-text")).to_contain_text("Hello bold world")
    playwright_api.expect(first.locator(".yorum-author").first).to_have_text("Ann")
    # A picture drawn in the page from the server's seed, not fetched from anywhere.
    playwright_api.expect(
        first.locator(":scope > article svg.yorum-avatar rect").first
    ).to_be_attached()

    # Reply.
    first.get_by_role("button", name="Reply").first.click()
    reply_form = first.locator("form.yorum-form")
    reply_form.get_by_label("Comment").fill("A reply")
    reply_form.get_by_role("button", name="Post comment").click()
    playwright_api.expect(first.locator(".yorum-replies .yorum-text")).to_have_text("A reply")

    # Collapse the thread under the comment, then open it again.
    first.locator(":scope > article").get_by_role("button", name="Collapse thread").click()
    playwright_api.expect(first.locator(":scope > .yorum-replies")).to_be_hidden()
    playwright_api.expect(first.locator(":scope > article .yorum-text")).to_be_hidden()
    first.locator(":scope > article").get_by_role("button", name="Expand thread (2)").click()
    playwright_api.expect(first.locator(".yorum-replies .yorum-text")).to_be_visible()

    # Vote up, then take it back.
    up = first.locator(":scope > article .yorum-vote-up")
    up.click()
    playwright_api.expect(up).to_have_text("▲ 1")
    playwright_api.expect(up).to_have_attribute("aria-pressed", "true")

    # Edit within the window.
    first.locator(":scope > article").get_by_role("button", name="Edit").click()
    editor = first.locator("form.yorum-editing textarea")
    playwright_api.expect(editor).to_have_value("Hello **bold** world")
    editor.fill("Edited _text_")
    first.get_by_role("button", name="Save").click()
    playwright_api.expect(first.locator(":scope > article .yorum-text em")).to_have_text("text")

    # Delete the reply (accepting the confirmation).
    page.once("dialog", lambda dialog: dialog.accept())  # type: ignore[attr-defined]
    reply = first.locator(".yorum-replies .yorum-comment").first
    reply.get_by_role("button", name="Delete").click()
    playwright_api.expect(page.locator(".yorum-replies .yorum-comment")).to_have_count(0)  # type: ignore[attr-defined]
    playwright_api.expect(heading).to_have_text("1 comment")

    # Reload: the thread comes from the server, edit rights from localStorage.
    page.reload()  # type: ignore[attr-defined]
    playwright_api.expect(page.locator(".yorum-text em")).to_have_text("text")  # type: ignore[attr-defined]
    playwright_api.expect(page.get_by_role("button", name="Edit")).to_have_count(1)  # type: ignore[attr-defined]

    # Nothing but the yorum server was asked for anything.
    hosts = {urlparse(url).netloc for url in requests}
    assert hosts == {urlparse(server.url).netloc}


def test_long_reply_lists_fold_and_unfold(page: object, server: Server) -> None:
    url = f"{server.url}/api/comments"
    first = httpx.post(url, json={"site": "default", "uri": "/demo", "text": "top"}).json()
    for n in range(4):
        body = {
            "site": "default",
            "uri": "/demo",
            "text": f"reply {n}",
            "parent": first["comment"]["id"],
        }
        assert httpx.post(url, json=body).status_code == 201
    page.goto(f"{server.url}/demo")  # type: ignore[attr-defined]
    replies = page.locator(".yorum-replies .yorum-text")  # type: ignore[attr-defined]
    playwright_api.expect(replies).to_have_count(2)
    page.get_by_role("button", name="Show 2 more replies").click()  # type: ignore[attr-defined]
    playwright_api.expect(replies).to_have_text(["reply 0", "reply 1", "reply 2", "reply 3"])


def test_sort_and_load_more(page: object, server: Server) -> None:
    page.goto(f"{server.url}/demo")  # type: ignore[attr-defined]
    for n in range(5):
        post(page, f"comment {n}")
        playwright_api.expect(page.locator(".yorum-thread > .yorum-comment")).to_have_count(n + 1)  # type: ignore[attr-defined]
    page.reload()  # type: ignore[attr-defined]
    items = page.locator(".yorum-thread > .yorum-comment .yorum-text")  # type: ignore[attr-defined]
    playwright_api.expect(items).to_have_count(3)  # a page of three
    page.get_by_role("button", name="Load more comments").click()  # type: ignore[attr-defined]
    playwright_api.expect(items).to_have_count(5)
    playwright_api.expect(page.get_by_role("button", name="Load more comments")).to_be_hidden()  # type: ignore[attr-defined]
    page.get_by_label("Sort comments").select_option("newest")  # type: ignore[attr-defined]
    playwright_api.expect(items.first).to_have_text("comment 4")


def test_screenshots_light_and_dark(browser: object, server: Server) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme, viewport={"width": 900, "height": 900})  # type: ignore[attr-defined]
        tab = context.new_page()
        tab.goto(f"{server.url}/demo")
        if scheme == "light":
            post(tab, "A first comment with `code` and a [link](https://example.org).", "Ann")
            playwright_api.expect(tab.locator(".yorum-thread > .yorum-comment")).to_have_count(1)
        else:
            playwright_api.expect(tab.locator(".yorum-count")).to_have_text("1 comment")
        tab.screenshot(path=str(ARTIFACTS / f"widget-{scheme}.png"), full_page=True)
        context.close()


def test_without_javascript(browser: object, server: Server) -> None:
    add_site(server, "held", "--policy", "hold_all")
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.goto(f"{server.url}/demo")
    tab.get_by_role("link", name="read and write the comments on a plain page").click()
    playwright_api.expect(tab.locator("h1")).to_have_text("Comments on /demo")
    tab.get_by_role("button", name="Post comment").click()
    playwright_api.expect(tab.locator("#yorum-text-error")).to_have_text(
        "Please enter your comment."
    )
    tab.get_by_label("Comment").fill("Written without *scripts*")
    tab.get_by_label("Name (optional)").fill("Tor reader")
    tab.get_by_role("button", name="Post comment").click()
    assert re.search(r"/t/default\?uri=%2Fdemo&posted=\d+", tab.url)
    playwright_api.expect(tab.locator(".yorum-notice")).to_have_text("Your comment is posted.")
    playwright_api.expect(tab.locator(".yorum-text em")).to_have_text("scripts")
    tab.goto(f"{server.url}/t/held?uri=/a")
    tab.get_by_label("Comment").fill("Please hold me")
    tab.get_by_role("button", name="Post comment").click()
    playwright_api.expect(tab.locator("#yorum-notice")).to_contain_text("awaiting moderation")
    context.close()


def test_a_comment_from_one_page_appears_in_another_within_two_seconds(
    browser: object, tmp_path: Path
) -> None:
    data = tmp_path / "live"
    srv = Server(data, f"sqlite:///{data / 'yorum.sqlite3'}", workers=2)
    srv.start()
    try:
        context = browser.new_context()  # type: ignore[attr-defined]
        writer, reader = context.new_page(), context.new_page()
        for tab in (writer, reader):
            tab.goto(f"{srv.url}/demo")
            playwright_api.expect(tab.locator(".yorum-count")).to_have_text(
                "No comments yet. Be the first to write one."
            )
        reader.wait_for_timeout(500)  # its event stream is open
        post(writer, "Hello from the other tab")
        news = reader.locator(".yorum-news")
        playwright_api.expect(news).to_have_text("1 new comment: show it", timeout=2000)
        playwright_api.expect(reader.locator(".yorum-count")).to_have_text("1 comment")
        news.click()
        text = reader.locator(".yorum-comment .yorum-text")
        playwright_api.expect(text).to_have_text("Hello from the other tab")
        # An edit shows in place, without the bar.
        writer.get_by_role("button", name="Edit").click()
        writer.locator("form.yorum-editing textarea").fill("Edited in the other tab")
        writer.get_by_role("button", name="Save").click()
        playwright_api.expect(text).to_have_text("Edited in the other tab", timeout=2000)
        playwright_api.expect(news).to_be_hidden()
        # A deletion shows too.
        writer.once("dialog", lambda dialog: dialog.accept())
        writer.get_by_role("button", name="Delete").click()
        playwright_api.expect(reader.locator(".yorum-comment")).to_have_count(0, timeout=2000)
        playwright_api.expect(reader.locator(".yorum-count")).to_have_text(
            "No comments yet. Be the first to write one."
        )
        context.close()
    finally:
        srv.stop()


def test_arabic_reads_right_to_left(browser: object, server: Server) -> None:
    context = browser.new_context(viewport={"width": 900, "height": 900})  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.goto(f"{server.url}/demo?lang=ar")
    section = tab.locator("section.yorum")
    playwright_api.expect(section).to_have_attribute("dir", "rtl")
    playwright_api.expect(section).to_have_attribute("lang", "ar")
    playwright_api.expect(tab.locator(".yorum-count")).to_have_text(
        "لا توجد تعليقات بعد. كن أول من يكتب تعليقًا."
    )
    tab.get_by_role("button", name="نشر التعليق").click()
    playwright_api.expect(tab.locator("#yorum-new-text-error")).to_have_text("يرجى كتابة تعليقك.")
    tab.get_by_label("التعليق", exact=True).fill("مرحبا بالعالم")
    tab.get_by_role("button", name="نشر التعليق").click()
    playwright_api.expect(tab.locator(".yorum-count")).to_have_text("تعليق واحد")
    # Right to left: the reply list is indented from the right.
    box = tab.locator(".yorum-comment .yorum-author").first.bounding_box()
    width = tab.viewport_size["width"]
    assert box is not None and box["x"] > width / 2
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "widget-arabic.png"), full_page=True)
    context.close()


@pytest.mark.parametrize(("scheme", "lang"), [("light", ""), ("dark", ""), ("light", "ar")])
def test_no_serious_accessibility_violations(
    browser: object, server: Server, scheme: str, lang: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(color_scheme=scheme)  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.goto(f"{server.url}/demo?lang={lang}")
    post(tab, "A comment, so that the audit sees one") if not lang else None
    tab.locator(".yorum-count").wait_for()
    # The stylesheet arrives after the script; audit the styled widget.
    tab.wait_for_function(
        "getComputedStyle(document.querySelector('.yorum')).getPropertyValue('--yorum-accent')"
        " !== ''"
    )
    results = Axe().run(tab)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    context.close()


def test_the_form_asks_for_what_the_site_requires(browser: object, server: Server) -> None:
    add_site(server, "strict", "--author-field", "required", "--email-field", "hidden")
    context = browser.new_context()  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.goto(f"{server.url}/demo?site=strict")
    form = tab.locator("form.yorum-form").first
    playwright_api.expect(form.get_by_label("Name", exact=True)).to_be_visible()
    playwright_api.expect(form.locator("input[name=email]")).to_have_count(0)
    form.get_by_label("Comment").fill("I forgot my name")
    form.get_by_role("button", name="Post comment").click()
    playwright_api.expect(form.locator("#yorum-new-author-error")).to_have_text(
        "Please enter your name."
    )
    form.get_by_label("Name", exact=True).fill("Ann")
    form.get_by_role("button", name="Post comment").click()
    playwright_api.expect(tab.locator(".yorum-comment .yorum-author")).to_have_text("Ann")
    context.close()


def test_held_comments_are_shown_to_their_author_only(browser: object, server: Server) -> None:
    add_site(server, "careful", "--policy", "hold_all")
    author = browser.new_context()  # type: ignore[attr-defined]
    tab = author.new_page()
    tab.goto(f"{server.url}/demo?site=careful")
    post(tab, "Waiting for a moderator")
    notice = tab.locator(".yorum-comment .yorum-notice")
    playwright_api.expect(notice).to_contain_text("awaiting moderation")
    tab.reload()
    playwright_api.expect(notice).to_contain_text("awaiting moderation")  # still, after reload
    playwright_api.expect(tab.locator(".yorum-count")).to_have_text(
        "No comments yet. Be the first to write one."
    )
    stranger = browser.new_context()  # type: ignore[attr-defined]
    other = stranger.new_page()
    other.goto(f"{server.url}/demo?site=careful")
    playwright_api.expect(other.locator(".yorum-count")).to_have_text(
        "No comments yet. Be the first to write one."
    )
    playwright_api.expect(other.locator(".yorum-comment")).to_have_count(0)
    author.close()
    stranger.close()


def test_the_count_script_fills_links_in_one_request(browser: object, server: Server) -> None:
    for uri, n in (("/posts/a", 2), ("/posts/b", 1)):
        for i in range(n):
            body = {"site": "default", "uri": uri, "text": f"{uri} {i}"}
            assert httpx.post(f"{server.url}/api/comments", json=body).status_code == 201
    context = browser.new_context()  # type: ignore[attr-defined]
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    html = (
        '<a href="/posts/a#comments" data-yorum-count>?</a>'
        '<span data-yorum-count="/posts/b">?</span>'
        '<span data-yorum-count="/posts/none">?</span>'
        f'<script async src="{server.url}/count.js" data-yorum-site="default"></script>'
    )
    tab.route(
        f"{server.url}/index", lambda route: route.fulfill(body=html, content_type="text/html")
    )
    tab.goto(f"{server.url}/index")
    playwright_api.expect(tab.locator("[data-yorum-count]")).to_have_text(["2", "1", "0"])
    assert sum("/api/counts" in url for url in requests) == 1
    context.close()


def tab_to(page: object, selector: str, presses: int = 40) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(presses):
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
        if page.evaluate(f"document.activeElement.matches({selector!r})"):  # type: ignore[attr-defined]
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_everything_works_from_the_keyboard(page: object, server: Server) -> None:
    page.goto(f"{server.url}/demo")  # type: ignore[attr-defined]
    playwright_api.expect(page.locator(".yorum-count")).to_be_visible()  # type: ignore[attr-defined]
    tab_to(page, "#yorum-new-text")
    page.keyboard.type("Typed with the keyboard only")  # type: ignore[attr-defined]
    tab_to(page, "#yorum-new-author")
    page.keyboard.type("Kim")  # type: ignore[attr-defined]
    tab_to(page, "form.yorum-form button[type=submit]")
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    text = page.locator(".yorum-comment .yorum-text")  # type: ignore[attr-defined]
    playwright_api.expect(text).to_have_text("Typed with the keyboard only")
    tab_to(page, ".yorum-vote-up")
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    playwright_api.expect(page.locator(".yorum-vote-up")).to_have_text("▲ 1")  # type: ignore[attr-defined]
    tab_to(page, ".yorum-reply")
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    # The reply form opens with the focus in its text box.
    assert page.evaluate("document.activeElement.name") == "text"  # type: ignore[attr-defined]
    page.keyboard.type("And a reply")  # type: ignore[attr-defined]
    tab_to(page, ".yorum-comment form.yorum-form button[type=submit]")
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    playwright_api.expect(page.locator(".yorum-replies .yorum-text")).to_have_text("And a reply")  # type: ignore[attr-defined]


def test_a_locked_thread_shows_a_notice_instead_of_the_form(page: object, server: Server) -> None:
    body = {"site": "default", "uri": "/demo", "text": "before the lock"}
    assert httpx.post(f"{server.url}/api/comments", json=body).status_code == 201
    subprocess.run(
        [
            sys.executable,
            "-m",
            "yorum",
            "thread",
            "lock",
            "/demo",
            "--data-dir",
            str(server.data_dir),
        ],
        check=True,
        capture_output=True,
        env={"YORUM_DATABASE_URL": server.database_url, "PATH": "/usr/bin:/bin"},
    )
    page.goto(f"{server.url}/demo")  # type: ignore[attr-defined]
    playwright_api.expect(page.locator(".yorum > .yorum-notice")).to_have_text(  # type: ignore[attr-defined]
        "This thread is closed to new comments."
    )
    playwright_api.expect(page.locator("form.yorum-form")).to_have_count(0)  # type: ignore[attr-defined]
    playwright_api.expect(page.get_by_role("button", name="Reply")).to_have_count(0)  # type: ignore[attr-defined]


def test_comments_carry_a_proof_of_work_solved_in_the_browser(
    browser: object, tmp_path: Path
) -> None:
    """With proof of work on, the widget solves a real challenge in a Web Worker."""
    data = tmp_path / "data"
    gate = {"YORUM_ABUSE_PROOF_OF_WORK": "true"}  # normal difficulty; no minimum time here
    server = Server(data, f"sqlite:///{data / 'yorum.sqlite3'}", env=gate)
    server.start()
    context = browser.new_context(locale="en-US")  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        posted: list[dict[str, object]] = []
        page.on(  # type: ignore[attr-defined]
            "request",
            lambda r: posted.append(r.post_data_json) if r.url.endswith("/api/comments") else None,
        )
        page.goto(f"{server.url}/demo")
        post(page, "Proved by work")
        first = page.locator(".yorum-thread > .yorum-comment").first
        playwright_api.expect(first.locator(".yorum-text")).to_contain_text("Proved by work")
        (body,) = posted
        solution = json.loads(base64.b64decode(str(body["altcha"])))
        assert solution["algorithm"] == "SHA-256" and isinstance(solution["number"], int)
        assert body["url"] == ""  # the trap stayed empty
        # What solving cost this browser, for bench/README.md; a phone is a few times slower.
        print(f"proof of work solved in {solution['took']} ms (number {solution['number']})")
        assert solution["took"] < 5000
        # The server refuses the same solution a second time.
        replay = httpx.post(f"{server.url}/api/comments", json={**body, "text": "again"})
        assert replay.status_code == 403 and replay.json()["error"] == "pow_replayed"
    finally:
        context.close()
        server.stop()
