"""The admin in headless Chromium against a real ``yorum serve``: sign in, approve,
bulk-mark spam by checkboxes and by keyboard, add a ban, and an accessibility audit."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.servers import Server

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "a long enough password"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Chromium not found (make test installs it as root)"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def yorum(server: Server, *args: str, stdin: str | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "yorum", *args, "--data-dir", str(server.data_dir)],
        check=True, capture_output=True, input=stdin, text=True,
        env={"YORUM_DATABASE_URL": server.database_url, "PATH": "/usr/bin:/bin"},
    )  # fmt: skip


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    data = tmp_path / "data"
    srv = Server(data, f"sqlite:///{data / 'yorum.sqlite3'}")
    srv.start()
    try:
        yield from _seeded(srv)
    finally:
        srv.stop()


def _seeded(srv: Server) -> Iterator[Server]:
    yorum(srv, "site", "add", "blog", "--title", "The Blog", "--policy", "hold_all")
    yorum(srv, "user", "add", "ann", "--site", "blog", "--role", "admin", "--password-stdin",
          stdin=PASSWORD + "\n")  # fmt: skip
    for i in range(5):
        body = {"site": "blog", "uri": "/post", "text": f"Comment number {i}", "author": f"R{i}"}
        assert httpx.post(f"{srv.url}/api/comments", json=body).status_code == 202
    yield srv


@pytest.fixture
def page(browser: object, server: Server) -> Iterator[object]:
    context = browser.new_context(locale="en-US", viewport={"width": 1000, "height": 900})  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def sign_in(page: object, server: Server) -> None:
    page.goto(f"{server.url}/admin")  # type: ignore[attr-defined]
    page.get_by_label("Name").fill("ann")  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    playwright_api.expect(page.get_by_role("heading", level=1)).to_contain_text("Comments")  # type: ignore[attr-defined]


def count(server: Server, status: str) -> int:
    token_run = subprocess.run(
        [sys.executable, "-m", "yorum", "user", "token", "ann", "--data-dir",
         str(server.data_dir)],
        check=True, capture_output=True, text=True,
        env={"YORUM_DATABASE_URL": server.database_url, "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    auth = {"authorization": f"Bearer {token_run.stdout.strip()}"}
    r = httpx.get(f"{server.url}/api/admin/queue?status={status}", headers=auth)
    total: int = r.json()["total"]
    return total


def test_moderate_in_the_browser(page: object, server: Server) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in(page, server)
    rows = page.locator("[data-row]")  # type: ignore[attr-defined]
    playwright_api.expect(rows).to_have_count(5)
    page.screenshot(path=str(ARTIFACTS / "admin-queue.png"), full_page=True)  # type: ignore[attr-defined]

    # approve one with its own button
    page.get_by_role("button", name="Approve: comment 1", exact=True).click()  # type: ignore[attr-defined]
    playwright_api.expect(page.get_by_role("status")).to_have_text("Done: approve:1")  # type: ignore[attr-defined]
    playwright_api.expect(rows).to_have_count(4)

    # two by checkboxes and the bulk button
    page.get_by_label("Select comment 2").check()  # type: ignore[attr-defined]
    page.get_by_label("Select comment 3").check()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Spam selected", exact=True).click()  # type: ignore[attr-defined]
    playwright_api.expect(page.get_by_role("status")).to_have_text("Done: spam:2")  # type: ignore[attr-defined]
    playwright_api.expect(rows).to_have_count(2)

    # the keyboard: j moves to the first, j to the second, x selects it, s marks spam
    page.keyboard.press("?")  # type: ignore[attr-defined]
    playwright_api.expect(page.locator("#help")).to_be_visible()  # type: ignore[attr-defined]
    page.keyboard.press("j")  # type: ignore[attr-defined]
    page.keyboard.press("j")  # type: ignore[attr-defined]
    playwright_api.expect(rows.nth(1)).to_have_class("row status-pending current")
    page.keyboard.press("x")  # type: ignore[attr-defined]
    page.keyboard.press("s")  # type: ignore[attr-defined]
    playwright_api.expect(page.get_by_role("status")).to_have_text("Done: spam:1")  # type: ignore[attr-defined]
    playwright_api.expect(rows).to_have_count(1)
    playwright_api.expect(rows.first).to_contain_text("Comment number 3")
    assert (count(server, "spam"), count(server, "approved")) == (3, 1)

    # in the spam list, n (not spam) on the current comment brings it back
    page.goto(f"{server.url}/admin?status=spam")  # type: ignore[attr-defined]
    playwright_api.expect(rows).to_have_count(3)
    page.keyboard.press("j")  # type: ignore[attr-defined]
    page.keyboard.press("n")  # type: ignore[attr-defined]
    playwright_api.expect(page.get_by_role("status")).to_have_text("Done: not_spam:1")  # type: ignore[attr-defined]
    playwright_api.expect(rows).to_have_count(2)
    assert (count(server, "spam"), count(server, "approved")) == (2, 2)

    # a ban
    page.get_by_role("link", name="Bans").click()  # type: ignore[attr-defined]
    page.get_by_label("What").select_option("email")  # type: ignore[attr-defined]
    page.get_by_label("Value").fill("troll@example.com")  # type: ignore[attr-defined]
    page.get_by_label("Reason").fill("rude")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Ban", exact=True).click()  # type: ignore[attr-defined]
    playwright_api.expect(page.locator("table")).to_contain_text("troll@example.com")  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / "admin-bans.png"), full_page=True)  # type: ignore[attr-defined]
    refused = httpx.post(
        f"{server.url}/api/comments",
        json={"site": "blog", "uri": "/post", "text": "again", "email": "troll@example.com"},
    )
    assert refused.status_code == 403 and refused.json()["error"] == "banned"

    # the audit log names the user
    page.get_by_role("link", name="Audit log").click()  # type: ignore[attr-defined]
    playwright_api.expect(page.locator("tbody tr").first).to_contain_text("ann")  # type: ignore[attr-defined]


def test_phone_screenshot(browser: object, server: Server) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)  # type: ignore[attr-defined]
    tab = context.new_page()
    sign_in(tab, server)
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    tab.screenshot(path=str(ARTIFACTS / "admin-queue-phone.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("where", ["login", "queue"])
def test_axe_finds_no_violations(browser: object, server: Server, where: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context()  # type: ignore[attr-defined]
    tab = context.new_page()
    if where == "login":
        tab.goto(f"{server.url}/admin/login")
    else:
        sign_in(tab, server)
    results = Axe().run(tab)
    violations = [(v["id"], [n["target"] for n in v["nodes"]])
                  for v in results.response["violations"]]  # fmt: skip
    assert violations == []
    context.close()
