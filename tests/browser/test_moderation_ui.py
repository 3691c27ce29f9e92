"""Reports, pins and comment locks in the widget, in headless Chromium against ``yorum serve``."""

from __future__ import annotations

import subprocess
import sys

import httpx2 as httpx
import pytest

from tests.browser.test_widget_ui import browser, page, playwright_api, server  # noqa: F401
from tests.servers import Server


def moderate(srv: Server, *args: str) -> None:
    """``yorum ARGS`` on the server's data directory."""
    subprocess.run(
        [sys.executable, "-m", "yorum", *args, "--data-dir", str(srv.data_dir)],
        check=True,
        capture_output=True,
        env={"YORUM_DATABASE_URL": srv.database_url, "PATH": "/usr/bin:/bin"},
    )


def test_report_a_comment_and_see_pins_and_locks(page: object, server: Server) -> None:  # noqa: F811
    ids = []
    for text in ("first words", "pin me", "lock me"):
        body = {"site": "default", "uri": "/demo", "text": text}
        response = httpx.post(f"{server.url}/api/comments", json=body)
        assert response.status_code == 201
        ids.append(response.json()["comment"]["id"])
    moderate(server, "comments", "pin", str(ids[1]))
    moderate(server, "comments", "lock", str(ids[2]))
    page.goto(f"{server.url}/demo")  # type: ignore[attr-defined]
    comments = page.locator(".yorum-thread > .yorum-comment")  # type: ignore[attr-defined]
    playwright_api.expect(comments.first.locator(".yorum-pinned")).to_have_text("Pinned")
    playwright_api.expect(comments.first.locator(".yorum-text")).to_have_text("pin me")
    locked = page.locator(f"#yorum-{ids[2]}")  # type: ignore[attr-defined]
    playwright_api.expect(locked.get_by_role("button", name="Reply")).to_have_count(0)

    target = page.locator(f"#yorum-{ids[0]}")  # type: ignore[attr-defined]
    playwright_api.expect(target.get_by_role("button", name="Reply")).to_have_count(1)
    report = target.get_by_role("button", name="Report", exact=True)
    report.click()
    playwright_api.expect(report).to_have_attribute("aria-expanded", "true")
    form = target.locator("form.yorum-report-form")
    form.get_by_label("Off topic").check()
    form.get_by_label("Note for the moderators (optional)").fill("about something else")
    form.get_by_role("button", name="Send report").click()
    playwright_api.expect(form.locator(".yorum-notice")).to_have_text(
        "Thank you. The moderators will look at this comment."
    )
    # The same reader again: told so, nothing counted twice.
    page.reload()  # type: ignore[attr-defined]
    target.get_by_role("button", name="Report", exact=True).click()
    target.get_by_role("button", name="Send report").click()
    playwright_api.expect(target.locator(".yorum-report-form .yorum-error")).to_have_text(
        "You reported this comment already."
    )
    listed = subprocess.run(
        [sys.executable, "-m", "yorum", "comments", "reported", "--json",
         "--data-dir", str(server.data_dir)],
        check=True,
        capture_output=True,
        text=True,
        env={"YORUM_DATABASE_URL": server.database_url, "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert '"reasons": {"off_topic": 1}' in listed.stdout


@pytest.mark.parametrize("language", ["tr", "ar"])
def test_the_report_form_speaks_the_readers_language(
    browser: object,  # noqa: F811
    server: Server,  # noqa: F811
    language: str,
) -> None:
    body = {"site": "default", "uri": "/demo", "text": "hello"}
    assert httpx.post(f"{server.url}/api/comments", json=body).status_code == 201
    context = browser.new_context()  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.goto(f"{server.url}/demo?lang={language}")
    button = tab.locator(".yorum-report").first
    expected = {"tr": "Bildir", "ar": "إبلاغ"}[language]
    playwright_api.expect(button).to_have_text(expected)
    button.click()
    playwright_api.expect(tab.locator(".yorum-report-form legend")).not_to_have_text(
        "Why should the moderators look at this comment?"
    )
    context.close()


@pytest.mark.parametrize("plain", [False, True])
def test_the_open_report_form_has_no_serious_accessibility_violations(
    browser: object,  # noqa: F811
    server: Server,  # noqa: F811
    plain: bool,
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    body = {"site": "default", "uri": "/demo", "text": "report me"}
    response = httpx.post(f"{server.url}/api/comments", json=body)
    comment_id = response.json()["comment"]["id"]
    moderate(server, "comments", "pin", str(comment_id))
    context = browser.new_context()  # type: ignore[attr-defined]
    tab = context.new_page()
    if plain:
        tab.goto(f"{server.url}/t/default?uri=/demo&report={comment_id}")
        playwright_api.expect(tab.locator(".yorum-pinned")).to_have_text("Pinned")
    else:
        tab.goto(f"{server.url}/demo")
        tab.wait_for_function(
            "getComputedStyle(document.querySelector('.yorum')).getPropertyValue("
            "'--yorum-accent') !== ''"
        )
        tab.get_by_role("button", name="Report", exact=True).click()
    form = tab.locator(".yorum-report-form")
    playwright_api.expect(form.get_by_label("Spam")).to_be_checked()
    results = Axe().run(tab)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    if plain:  # the form works without scripts: post, redirect, notice
        form.get_by_label("Abusive or hateful").check()
        form.get_by_role("button", name="Send report").click()
        playwright_api.expect(tab.locator("#yorum-notice")).to_have_text(
            "Thank you. The moderators will look at this comment."
        )
    context.close()
