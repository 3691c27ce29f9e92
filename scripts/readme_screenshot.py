"""Retake the README's screenshot of the widget (docs/images/demo.png).

Starts ``yorum serve`` on a temporary SQLite database with a mail server named (so the
form offers reply mails), posts a short thread through the API, and photographs the demo
page in headless Chromium.

    .venv/bin/python scripts/readme_screenshot.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.test_widget_ui import ARGS, CHROMIUM  # noqa: E402
from tests.servers import Server  # noqa: E402

THREAD = [
    ("Elif", "Thanks for writing this up. The point about **local councils** publishing "
             "their minutes is the one most people miss.", None),
    ("Marek", "Agreed. In our town the minutes appear _weeks_ later, if at all:\n\n"
              "> The record shall be made available in due course.", 0),
    ("Amina", "Is there a list of which councils publish on time? Happy to help collect it.",
     None),
]  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        server = Server(data, f"sqlite:///{data / 'yorum.sqlite3'}",
                        env={"YORUM_SMTP_HOST": "127.0.0.1"})  # fmt: skip
        server.start()
        try:
            ids: list[int] = []
            for author, text, parent in THREAD:
                body = {"site": "default", "uri": "/demo", "author": author, "text": text,
                        "parent": ids[parent] if parent is not None else None}  # fmt: skip
                posted = httpx.post(f"{server.url}/api/comments", json=body, timeout=10)
                ids.append(posted.json()["comment"]["id"])
            httpx.post(f"{server.url}/api/comments/{ids[0]}/vote", json={"value": 1})
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page(viewport={"width": 860, "height": 900})
                page.goto(f"{server.url}/demo")
                page.locator(".yorum-thread > .yorum-comment").first.wait_for()
                page.screenshot(path=str(ROOT / "docs" / "images" / "demo.png"), full_page=True)
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
