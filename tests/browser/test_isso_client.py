"""Isso's own client against yorum, in headless Chromium.

Isso's ``embed.min.js`` and stylesheet are read from the installed ``isso`` package (the
``test`` extra) at test time and served, with a small blog page, by an HTTP server of the
test's own on another port: another origin, as a blog and its comment server are. The
page's ``data-isso`` points at a real ``yorum serve``'s ``/isso/blog/``.
"""

from __future__ import annotations

import importlib.util
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from tests.browser.test_widget_ui import ARGS, ARTIFACTS, CHROMIUM, add_site, pytestmark  # noqa: F401
from tests.servers import Server, free_port

playwright_api = pytest.importorskip("playwright.sync_api")
_spec = importlib.util.find_spec("isso")
if _spec is None or _spec.origin is None:
    pytest.skip("the isso package (test extra) is not installed", allow_module_level=True)
ISSO = Path(_spec.origin).parent

BLOG_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body {{ font-family: sans-serif; max-width: 46rem; margin: 2rem auto; }}</style>
</head><body>
<article><h1>{title}</h1><p>An article whose comments yorum now serves.</p></article>
<p>Also read <a id="other" href="/posts/other#isso-thread">the other post</a>.</p>
<script data-isso="{endpoint}" data-isso-css-url="/css/isso.css"
        src="/js/embed.min.js"></script>
<section id="isso-thread" data-isso-id="{uri}" data-title="{title}"></section>
</body></html>
"""


class Blog:
    """A static blog on its own port: one article page, Isso's script and stylesheet."""

    def __init__(self, endpoint: str) -> None:
        files = {
            "/js/embed.min.js": ((ISSO / "js" / "embed.min.js").read_bytes(), "text/javascript"),
            "/css/isso.css": ((ISSO / "css" / "isso.css").read_bytes(), "text/css"),
            "/posts/hello": (
                BLOG_PAGE.format(title="Hello", uri="/posts/hello", endpoint=endpoint).encode(),
                "text/html; charset=utf-8",
            ),
        }

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body, media_type = files.get(self.path.split("?")[0], (b"not found", "text/plain"))
                self.send_response(200 if self.path.split("?")[0] in files else 404)
                self.send_header("content-type", media_type)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Blog:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def start(tmp_path: Path, env: dict[str, str] | None = None) -> Server:
    data = tmp_path / "data"
    server = Server(data, f"sqlite:///{data / 'yorum.sqlite3'}", env=env)
    server.start()
    return server


@pytest.fixture
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def isso_post(server: Server, uri: str, text: str, author: str) -> int:
    """A comment posted over the Isso API by someone else (another client, no cookies)."""
    response = httpx.post(f"{server.url}/isso/blog/new", params={"uri": uri},
                          json={"text": text, "author": author})  # fmt: skip
    assert response.status_code == 201, response.text
    cid: int = response.json()["id"]
    return cid


def listed(server: Server, uri: str) -> dict[str, Any]:
    response = httpx.get(f"{server.url}/isso/blog/", params={"uri": uri})
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def test_isso_client_reads_posts_replies_votes_edits_and_deletes(
    tmp_path: Path, browser: Any
) -> None:
    server = start(tmp_path)
    try:
        with Blog(f"{server.url}/isso/blog/") as blog:
            add_site(server, "blog", "--origin", blog.url)
            ada = isso_post(server, "/posts/hello", "Welcome to the **new** server.", "Ada")
            isso_post(server, "/posts/other", "A comment on the other post.", "Bob")
            isso_post(server, "/posts/other", "And one more.", "Cem")
            context = browser.new_context(locale="en-US", viewport={"width": 900, "height": 1000})
            page = context.new_page()
            page.set_default_timeout(15_000)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{blog.url}/posts/hello")
            expect = playwright_api.expect

            # The thread renders, with the heading and the count of the other post.
            thread = page.locator("#isso-thread")
            expect(page.locator(f"#isso-{ada} .isso-text")).to_contain_text("Welcome to the new")
            expect(page.locator(f"#isso-{ada} .isso-text strong")).to_have_text("new")
            expect(page.locator(".isso-thread-heading")).to_have_text("One Comment")
            expect(page.locator("#other")).to_have_text("2 Comments")

            # A reader posts a comment and sees it, with the buttons of its author.
            box = thread.locator(".isso-postbox").first
            box.locator("textarea").fill("Thanks, it *works* from Isso's client.")
            box.locator("input[name=author]").fill("Zeynep")
            box.locator("input[name=preview]").click()
            expect(box.locator(".isso-preview .isso-text em")).to_have_text("works")
            box.locator("input[name=edit]").click()
            box.locator("input[type=submit]").click()
            mine = page.locator(".isso-comment", has_text="it works from Isso").first
            expect(mine.locator(".isso-text em")).to_have_text("works")
            expect(mine.locator(".isso-author").first).to_have_text("Zeynep")
            mine_id = int(str(mine.get_attribute("id")).removeprefix("isso-"))
            expect(page.locator(f"#isso-{mine_id} .isso-edit")).to_be_visible()
            cookies = {c["name"]: c for c in context.cookies()}
            assert f"isso-{mine_id}" in cookies and cookies[str(mine_id)]["httpOnly"]

            # They reply to Ada's comment.
            page.locator(f"#isso-{ada} > .isso-text-wrapper .isso-reply").click()
            reply_box = page.locator(f"#isso-{ada} > .isso-text-wrapper > .isso-postbox")
            reply_box.locator("textarea").fill("A reply to Ada, soon gone.")
            reply_box.locator("input[type=submit]").click()
            reply = page.locator(f"#isso-{ada} > .isso-follow-up .isso-comment")
            expect(reply).to_contain_text("A reply to Ada, soon gone.")
            reply_id = int(str(reply.get_attribute("id")).removeprefix("isso-"))

            # They vote Ada's comment up.
            page.locator(f"#isso-{ada} > .isso-text-wrapper .isso-upvote").click()
            expect(page.locator(f"#isso-{ada} > .isso-text-wrapper .isso-votes")).to_have_text("1")

            # They edit their own comment: the source comes back through the edit cookie.
            footer = page.locator(f"#isso-{mine_id} > .isso-text-wrapper > .isso-comment-footer")
            footer.locator(".isso-edit").click()
            editor = page.locator(f"#isso-{mine_id} textarea.isso-textarea")
            expect(editor).to_have_value("Thanks, it *works* from Isso's client.")
            editor.fill("Thanks, it works **and** edits.")
            footer.locator(".isso-edit").click()
            expect(page.locator(f"#isso-{mine_id} .isso-text strong")).to_have_text("and")

            # They delete their reply.
            reply_footer = page.locator(
                f"#isso-{reply_id} > .isso-text-wrapper > .isso-comment-footer"
            )
            reply_footer.locator(".isso-delete").click()
            expect(reply_footer.locator(".isso-delete")).to_have_text("Confirm")
            reply_footer.locator(".isso-delete").click()
            expect(page.locator(f"#isso-{reply_id}")).to_have_count(0)

            # The server agrees with what the reader saw.
            stored = listed(server, "/posts/hello")
            assert stored["total_replies"] == 2
            by_id = {c["id"]: c for c in stored["replies"]}
            assert by_id[ada]["likes"] == 1 and by_id[ada]["replies"] == []
            assert by_id[mine_id]["text"] == "<p>Thanks, it works <strong>and</strong> edits.</p>"
            assert by_id[mine_id]["modified"] is not None

            # The feed link Isso's client shows gives the thread's Atom feed.
            feed = httpx.get(str(page.locator(".isso-feedlink a").get_attribute("href")))
            assert feed.status_code == 200 and "<feed" in feed.text and "edits." in feed.text

            # A reload shows the same thread.
            page.reload()
            expect(page.locator(".isso-thread-heading")).to_have_text("2 Comments")
            expect(page.locator(f"#isso-{mine_id} .isso-text")).to_contain_text("edits")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "isso-client.png"), full_page=True)
            assert not errors, errors
            context.close()
    finally:
        server.stop()


def test_isso_client_comments_are_held_under_proof_of_work(tmp_path: Path, browser: Any) -> None:
    server = start(tmp_path, {"YORUM_ABUSE_PROOF_OF_WORK": "true"})
    try:
        with Blog(f"{server.url}/isso/blog/") as blog:
            add_site(server, "blog", "--origin", blog.url)
            page = browser.new_page(locale="en-US")
            page.set_default_timeout(15_000)
            page.goto(f"{blog.url}/posts/hello")
            expect = playwright_api.expect
            expect(page.locator(".isso-thread-heading")).to_have_text("No Comments Yet")
            box = page.locator(".isso-postbox").first
            box.locator("textarea").fill("Posted without a proof of work.")
            box.locator("input[type=submit]").click()
            held = page.locator(".isso-comment", has_text="without a proof of work")
            expect(held.locator(".isso-note")).to_have_text(
                re.compile("in queue for moderation", re.I)
            )
            assert listed(server, "/posts/hello")["total_replies"] == 0
            page.close()
    finally:
        server.stop()
