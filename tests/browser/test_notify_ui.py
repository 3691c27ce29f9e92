"""Reply mails in the browser: a reader ticks "mail me replies" in the widget, confirms the
address from the mail a real SMTP server received, and is mailed the next reply."""

from __future__ import annotations

import re
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.browser.test_widget_ui import ARGS, CHROMIUM, pytestmark  # noqa: F401
from tests.servers import Server
from tests.smtp import SmtpServer

playwright_api = pytest.importorskip("playwright.sync_api")


def button_link(mail: object, path: str) -> str:
    html = mail.get_body(("html",)).get_content()  # type: ignore[attr-defined]
    found = re.search(r'href="([^"]*' + re.escape(path) + r'[^"]*)"', html)
    assert found, f"no link to {path} in the mail"
    return found.group(1).replace("&amp;", "&")


def test_a_reader_asks_for_replies_and_confirms_in_the_browser(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    data = tmp_path / "data"
    server = Server(data, f"sqlite:///{data / 'yorum.sqlite3'}")
    server.env = {
        "YORUM_SMTP_HOST": smtp_server.host, "YORUM_SMTP_PORT": str(smtp_server.port),
        "YORUM_SMTP_SECURITY": "none", "YORUM_SERVER_PUBLIC_URL": server.url,
        "YORUM_NOTIFY_POLL_INTERVAL": "1",
    }  # fmt: skip
    server.start()
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(locale="en-US")
            page.set_default_timeout(15_000)
            page.goto(f"{server.url}/demo")
            form = page.locator("form.yorum-form").first
            form.get_by_label("Comment").fill("Tell me when someone answers")
            form.get_by_label("Name (optional)").fill("Ann")
            form.get_by_label("E-mail (optional, never shown)").fill("ann@example.org")
            form.get_by_label("Mail me replies").check()
            form.get_by_role("button", name="Post comment").click()
            first = page.locator(".yorum-thread > .yorum-comment").first
            playwright_api.expect(first).to_contain_text("Tell me when someone answers")
            parent = int(str(first.get_attribute("id")).removeprefix("yorum-"))
            [confirm] = smtp_server.wait_for(1, timeout=20)
            assert confirm["To"] == "ann@example.org"
            page.goto(button_link(confirm, "/notify/confirm"))
            page.get_by_role("button", name="Yes, mail me replies").click()
            playwright_api.expect(page.get_by_role("status")).to_contain_text("ann@example.org")
            reply = {"site": "default", "uri": "/demo", "text": "Here is an answer, Ann",
                     "author": "Bob", "parent": parent}  # fmt: skip
            assert httpx.post(f"{server.url}/api/comments", json=reply).status_code == 201
            mails = smtp_server.wait_for(2, timeout=20)
            assert mails[1]["To"] == "ann@example.org"
            assert "Here is an answer, Ann" in mails[1].get_body(("plain",)).get_content()
        finally:
            browser.close()
            server.stop()
