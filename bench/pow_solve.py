"""What proof of work costs a reader: the widget solves real challenges in headless Chromium.

Starts ``yorum serve`` (SQLite, proof of work on, no rate limits, no minimum time), opens
the demo page, posts comments through the widget and reads back from each request the
ALTCHA payload's ``took`` (milliseconds the Web Worker spent). Runs once at full speed and
once with the CPU slowed down 4 times through the DevTools protocol, as Chrome's own "mid-tier
mobile" throttling does, to stand in for a phone.

    .venv/bin/python bench/pow_solve.py [--posts 20]
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.test_widget_ui import ARGS, CHROMIUM  # noqa: E402
from tests.servers import Server  # noqa: E402


def solve_times(browser: object, server: Server, posts: int, slowdown: int) -> list[int]:
    """Milliseconds the widget took to solve each comment's challenge."""
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(60_000)
    if slowdown > 1:
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
    took: list[int] = []

    def record(request: object) -> None:
        if request.url.endswith("/api/comments") and request.method == "POST":  # type: ignore[attr-defined]
            body = request.post_data_json  # type: ignore[attr-defined]
            took.append(json.loads(base64.b64decode(body["altcha"]))["took"])

    page.on("request", record)
    page.goto(f"{server.url}/demo")
    for n in range(posts):
        form = page.locator("form.yorum-form").first
        text = f"comment {n} at CPU x{slowdown}"
        form.get_by_label("Comment").fill(text)
        form.get_by_role("button", name="Post comment").click()
        page.get_by_text(text).wait_for()
    context.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        env = {"YORUM_ABUSE_PROOF_OF_WORK": "true", "YORUM_COMMENTS_PAGE_SIZE": "200"}
        server = Server(data, f"sqlite:///{data / 'yorum.sqlite3'}", env=env)
        server.start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                for slowdown in (1, 4):
                    took = solve_times(browser, server, args.posts, slowdown)
                    took.sort()
                    p95 = took[max(0, round(len(took) * 0.95) - 1)]
                    print(
                        f"CPU x{slowdown}: {len(took)} solutions at maxnumber 50000: "
                        f"median {statistics.median(took):.0f} ms, mean {statistics.mean(took):.0f}"
                        f" ms, p95 {p95} ms, max {took[-1]} ms"
                    )
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
