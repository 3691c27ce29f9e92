"""Every XSS vector of xss_vectors.py in every field a reader fills, on every surface.

One real ``yorum serve`` (gate open, names up to 200 characters) takes each vector as the
comment's text, author, website, e-mail and page title (fields the API refuses with 422
are counted and left out). Then headless Chromium renders the widget (with its preview),
the no-JavaScript page, the admin queue, the Atom feeds and the notification mails, with
a hook that records any script execution: ``window.__xss`` and ``alert``/``confirm``/
``prompt`` report to the console, dialogs are recorded, and every request for a URL
outside the yorum server is recorded and refused. The test asserts zero executions, zero
outside requests, and that no comment HTML holds a script, an event handler or a
``javascript:`` link (checked in the DOM and, with a parser, in the HTML sent).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
import httpx2 as httpx
import pytest

from tests.security.xss_vectors import GROUPS, vectors
from tests.servers import Server

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]  # fmt: skip
PASSWORD = "a long enough password"
CHUNK = 25  # vectors per thread: with their title probes, 50 comments, one site feed's worth
ATOM = "{http://www.w3.org/2005/Atom}"
MARKER = re.compile(r"__xss|alert\(|confirm\(|prompt\(|msgbox", re.IGNORECASE)
# What the sanitizer lets through (yorum/render.py), and the attributes it keeps (a link's
# ``title`` among them). Pages add ``bdi`` around author names, outside the comment's HTML.
COMMENT_TAGS = {"p", "br", "a", "em", "strong", "del", "s", "code", "pre", "blockquote",
                "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}  # fmt: skip
COMMENT_ATTRIBUTES = {"href", "rel", "start", "class", "title"}
PAGE_TAGS = COMMENT_TAGS | {"bdi"}
SAFE_SCHEMES = ("http:", "https:", "mailto:")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")
CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Chromium not found (make test installs it as root)"
)

# Runs in every document and frame before the page's own scripts: whatever a vector would
# run ends up on the console, which the test listens to across navigations.
HOOK = """
(() => {
  const hit = (how, value) => console.log("XSS-HIT " + how + " " + String(value));
  Object.defineProperty(window, "__xss", {value: (id) => hit("__xss", id)});
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    Object.defineProperty(window, name, {value: (v) => { hit(name, v); return null; }});
  }
})();
"""

# Looks at the DOM of a rendered surface. Inside the comment containers only the
# sanitizer's tags and attributes may appear and links must be http, https or mailto;
# anywhere in the page, no event handler, no script/frame/object/base/refresh, and no
# URL attribute with a script scheme.
DOM_CHECK = r"""
([containers, tags, attributes]) => {
  const bad = [];
  // The scheme as a browser's URL parser reads it: tabs and line breaks anywhere, and
  // controls or spaces around it, do not count; no scheme means a relative URL.
  const url = (value) => {
    const v = value.replace(/[\t\n\r]/g, "").replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, "");
    const m = v.toLowerCase().match(/^([a-z][a-z0-9+.-]*):/);
    return m ? m[1] + ":" : "relative";
  };
  const describe = (el) => "<" + el.localName + "> " + (el.outerHTML || "").slice(0, 160);
  for (const el of document.querySelectorAll("*")) {
    const name = el.localName;
    if (["script", "iframe", "frame", "object", "embed", "base", "portal", "applet"]
        .includes(name)) {
      const src = el.getAttribute("src") || "";
      const ownScript = name === "script" && src.startsWith("/") && !src.startsWith("//");
      if (!ownScript) bad.push("element " + describe(el));
    }
    if (name === "meta" && (el.getAttribute("http-equiv") || "").toLowerCase() === "refresh")
      bad.push("refresh " + describe(el));
    for (const a of el.attributes) {
      const n = a.name.toLowerCase();
      if (n.startsWith("on")) bad.push("handler " + n + " " + describe(el));
      if (["href", "src", "action", "formaction", "data", "xlink:href", "poster",
           "background", "srcdoc"].includes(n)) {
        const p = url(a.value);
        if (n === "srcdoc" || ["javascript:", "vbscript:", "data:", "livescript:"].includes(p))
          bad.push("url " + n + "=" + a.value.slice(0, 80) + " on " + describe(el));
      }
      if (n === "style" && /expression|javascript|url\(/i.test(a.value))
        bad.push("style " + describe(el));
    }
  }
  let seen = 0;
  for (const root of document.querySelectorAll(containers)) {
    seen += 1;
    for (const el of root.querySelectorAll("*")) {
      if (!tags.includes(el.localName)) bad.push("tag in comment " + describe(el));
      for (const a of el.attributes)
        if (!attributes.includes(a.name)) bad.push("attribute " + a.name + " " + describe(el));
      if (el.localName === "a" && el.hasAttribute("href") &&
          !["http:", "https:", "mailto:", "relative"].includes(url(el.getAttribute("href"))))
        bad.push("link " + describe(el));
      // Whatever a reader might do with the mouse, the keyboard or a touch.
      for (const type of ["mouseover", "mouseenter", "pointerover", "click", "focus",
                          "focusin", "toggle", "animationstart"]) {
        const ev = type === "click" ? new MouseEvent(type, {bubbles: true, cancelable: true})
                                    : new Event(type, {bubbles: true});
        if (type === "click") el.addEventListener("click", (e) => e.preventDefault(),
                                                   {once: true});
        el.dispatchEvent(ev);
      }
    }
  }
  return {bad, seen};
}
"""


@dataclass
class Posted:
    """A vector and the comments made of it: which fields were taken, and the comment ids."""

    number: int
    vector: str
    chunk: int
    accepted: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)
    comment_id: int = 0
    title_comment_id: int = 0
    status: str = ""


@dataclass
class Corpus:
    server: Server
    posted: list[Posted]
    chunks: int
    site_feeds: list[bytes]
    html: list[tuple[str, str]]  # (where, comment HTML as the API gave it)


class Findings:
    """What the browser saw: executions, outside requests, bad DOM, page errors."""

    def __init__(self) -> None:
        self.executions: list[str] = []
        self.outside: list[str] = []
        self.dom: list[str] = []
        self.errors: list[str] = []  # uncaught script errors: a vector breaking a page
        self.surface = ""
        self.timings: dict[str, float] = {}
        self._since = time.monotonic()

    def lap(self, name: str, tab: Any) -> None:
        tab.wait_for_timeout(200)  # anything the last page set off runs and logs
        now = time.monotonic()
        self.timings[name] = round(now - self._since, 1)
        self._since = now

    def watch(self, context: Any, server: Server) -> None:
        def refuse(route: Any) -> None:
            self.outside.append(f"{self.surface}: {route.request.url}")
            route.abort()

        def note(request: Any) -> None:
            if not request.url.startswith((own, "data:", "blob:", "about:")):
                self.outside.append(f"{self.surface}: {request.url} (seen)")

        # Only requests for other hosts are stopped in Python: the pattern is matched in
        # the browser, so the server's own pages load at full speed.
        own = server.url + "/"
        context.route(re.compile(rf"^(?!{re.escape(own)}|data:|blob:|about:)"), refuse)
        context.on("request", note)
        context.add_init_script(HOOK)

    def page(self, context: Any) -> Any:
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        tab.on("console", self._console)
        tab.on("dialog", self._dialog)
        tab.on("pageerror", lambda error: self.errors.append(f"{self.surface}: {error}"))
        return tab

    def _console(self, message: Any) -> None:
        if message.text.startswith("XSS-HIT"):
            self.executions.append(f"{self.surface}: {message.text}")

    def _dialog(self, dialog: Any) -> None:
        self.executions.append(f"{self.surface}: dialog {dialog.type} {dialog.message}")
        dialog.dismiss()

    def check_dom(self, tab: Any, containers: str, minimum: int = 1) -> None:
        result = tab.evaluate(DOM_CHECK, [containers, sorted(PAGE_TAGS),
                                          sorted(COMMENT_ATTRIBUTES)])  # fmt: skip
        self.dom += [f"{self.surface}: {b}" for b in result["bad"]]
        assert result["seen"] >= minimum, f"{self.surface}: only {result['seen']} {containers}"


class _Tags(HTMLParser):
    """Collects the tags and attributes of an HTML string as a browser's tokenizer reads it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def html_problems(source: str, *, comment: bool) -> list[str]:
    """Scripts, event handlers and script-scheme links in ``source``; for comment HTML
    also any tag or attribute the sanitizer should have removed."""
    found = []
    if "<script" in source.lower():
        found.append("<script")
    parser = _Tags()
    parser.feed(source)
    parser.close()
    for tag, attrs in parser.tags:
        if comment and tag not in COMMENT_TAGS:
            found.append(f"tag {tag}")
        for name, value in attrs:
            if re.fullmatch(r"on\w+", name):
                found.append(f"handler {name} on {tag}")
            if comment and name not in COMMENT_ATTRIBUTES:
                found.append(f"attribute {name} on {tag}")
            if name in ("href", "src", "action", "formaction", "data", "srcdoc") and value:
                # The parser has decoded character references already, as a browser does.
                scheme = re.sub(r"[\x00-\x20]", "", value).lower()
                if not scheme.startswith(SAFE_SCHEMES) and re.match(r"[a-z][a-z0-9+.-]*:", scheme):
                    found.append(f"{name}={value[:60]} on {tag}")
    return found


def serve(body: bytes, content_type: str) -> Any:
    """A route handler answering with ``body``: pages the test makes on the server's origin."""
    return lambda route: route.fulfill(body=body, content_type=content_type)


def cli(server: Server, *args: str, stdin: str | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "yorum", *args, "--data-dir", str(server.data_dir)],
        check=True, capture_output=True, input=stdin, text=True,
        env={"YORUM_DATABASE_URL": server.database_url, "PATH": "/usr/bin:/bin"},
    )  # fmt: skip


def as_email(vector: str) -> str:
    """The vector in the shape yorum checks e-mail addresses for (no white space, one @):
    white space becomes ``/``, which HTML also reads as a separator between attributes."""
    local = re.sub(r"\s+", "/", vector.strip()).replace("@", "")[:64]
    return f"{local}@example.org"


def post_all_fields(
    client: httpx.Client, posted: Posted, uri: str, **fields: str
) -> dict[str, Any]:
    """Post with every given field; a field refused with 422 is noted and dropped."""
    body: dict[str, Any] = {"site": "default", "uri": uri, **fields}
    while True:
        response = client.post("/api/comments", json=body)
        if response.status_code in (201, 202):
            posted.accepted |= {n for n in fields if n in body and n not in posted.refused}
            comment: dict[str, Any] = response.json()["comment"]
            return comment
        assert response.status_code == 422, response.text
        name = response.json()["field"]
        assert name in fields and name in body, response.text
        posted.refused.add(name)
        del body[name]
        if name == "text":  # text is required: a refused text is posted as a plain probe
            body["text"] = f"probe {posted.number}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    data = tmp_path_factory.mktemp("xss") / "data"
    env = {"YORUM_COMMENTS_MAX_NAME_LENGTH": "200", "YORUM_MODERATION_SCORERS": "words"}
    server = Server(data, f"sqlite:///{data / 'yorum.sqlite3'}", env=env)
    server.start()
    try:
        cli(server, "user", "add", "ann", "--admin", "--password-stdin", stdin=PASSWORD + "\n")
        posted: list[Posted] = []
        feeds: list[bytes] = []
        comment_html: list[tuple[str, str]] = []
        all_vectors = vectors()
        chunks = (len(all_vectors) + CHUNK - 1) // CHUNK
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for chunk in range(chunks):
                for number, vector in all_vectors[chunk * CHUNK : (chunk + 1) * CHUNK]:
                    p = Posted(number, vector, chunk)
                    fields = {"text": vector, "author": vector, "website": vector,
                              "email": as_email(vector), "title": vector}  # fmt: skip
                    c = post_all_fields(client, p, f"/xss/{chunk}", **fields)
                    p.comment_id, p.status = c["id"], c["status"]
                    comment_html.append((f"text of {number}", c["html"]))
                    # The title is stored with a new thread: each vector gets a thread too.
                    t = post_all_fields(
                        client, p, f"/title/{number}", text=f"title probe {number}", title=vector
                    )
                    p.title_comment_id = t["id"]
                    posted.append(p)
                # The site feed holds the newest 50 comments: this chunk's.
                feed = client.get("/api/feeds/site", params={"site": "default"})
                assert feed.status_code == 200
                feeds.append(feed.content)
            preview = client.post(
                "/api/preview", json={"text": "\n\n".join(v for _, v in all_vectors[:40])}
            )
            comment_html.append(("preview", preview.json()["html"]))
        yield Corpus(server, posted, chunks, feeds, comment_html)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def test_corpus_is_big_and_reaches_every_field(corpus: Corpus) -> None:
    assert len(corpus.posted) >= 150
    assert all(len(group) >= 8 for group in GROUPS.values())
    # A field may refuse a vector only for what it refuses from anyone: control characters
    # (line breaks too, outside the text), more characters than allowed, or (website and
    # e-mail) not being an address.
    for p in corpus.posted:
        for name in p.refused:
            if name in ("text",):
                assert CONTROL.search(p.vector), (p.number, name)
            elif name in ("author", "title"):
                too_long = len(p.vector.strip()) > (200 if name == "author" else 300)
                assert CONTROL_LINE.search(p.vector) or too_long, (p.number, name)
    accepted = {name: sum(name in p.accepted for p in corpus.posted) for name in
                ("text", "author", "website", "email", "title")}  # fmt: skip
    print(f"{len(corpus.posted)} vectors; taken per field: {accepted}")
    assert min(accepted.values()) >= 5, accepted
    assert accepted["email"] >= len(corpus.posted) // 2, accepted
    held = [p.number for p in corpus.posted if p.status != "approved"]
    assert not held, f"held for moderation, so missing from the public pages: {held}"


def test_comment_html_from_the_api_is_inert(corpus: Corpus) -> None:
    problems = [(where, found) for where, source in corpus.html
                if (found := html_problems(source, comment=True))]  # fmt: skip
    assert not problems


def test_no_vector_runs_on_any_surface(
    corpus: Corpus, browser: Any, mail_html: list[tuple[str, str]]
) -> None:
    started = time.monotonic()
    server, seen = corpus.server, Findings()
    context = browser.new_context(locale="en-US")
    seen.watch(context, server)
    tab = seen.page(context)

    # The harness itself: a planted execution and a request elsewhere are both caught.
    seen.surface = "harness"
    tab.set_content(
        "<img src=x onerror=__xss(0)><img src=http://elsewhere.example/x.png>"
        "<p onclick=alert(0)>x</p>"
    )
    tab.wait_for_timeout(300)
    assert any("__xss 0" in e for e in seen.executions), seen.executions
    assert any("elsewhere.example" in u for u in seen.outside), seen.outside
    seen.check_dom(tab, "body")
    assert any("handler onclick" in d for d in seen.dom), seen.dom
    seen.executions, seen.outside, seen.dom = [], [], []

    # The widget, on a page of the server's own origin embedding one thread per chunk,
    # then its preview of a whole chunk of vectors at once.
    embed = (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>XSS</title></head>"
        '<body><div id="yorum-thread"></div><script async src="/embed.js" '
        'data-yorum-site="default" data-yorum-uri="{uri}"></script></body></html>'
    )
    for chunk in range(corpus.chunks):
        seen.surface = f"widget /xss/{chunk}"
        uri = f"/xss/{chunk}"
        url = f"{server.url}/xss-embed/{chunk}"
        page_html = embed.format(uri=uri)
        tab.route(url, serve(page_html.encode(), "text/html"))
        tab.goto(url)
        expected = sum(p.chunk == chunk for p in corpus.posted)
        playwright_api.expect(tab.locator(".yorum-thread .yorum-comment")).to_have_count(expected)
        seen.check_dom(tab, ".yorum-text, .yorum-author", minimum=expected)
        form = tab.locator("form.yorum-form").first
        # (without the vectors holding control characters, which the server refuses)
        text = "\n\n".join(
            p.vector for p in corpus.posted if p.chunk == chunk and not CONTROL.search(p.vector)
        )
        form.get_by_label("Comment").fill(text)
        form.get_by_role("button", name="Preview").click()
        playwright_api.expect(form.locator(".yorum-preview")).not_to_be_empty()
        seen.check_dom(tab, ".yorum-preview")

    seen.lap("widget", tab)
    # The no-JavaScript page (with JavaScript on in the browser, to catch anything that
    # would run): the threads, and each vector as a page title.
    for chunk in range(corpus.chunks):
        seen.surface = f"plain page /xss/{chunk}"
        tab.goto(f"{server.url}/t/default?uri=/xss/{chunk}")
        seen.check_dom(tab, ".yorum-text, .yorum-author", minimum=CHUNK // 2)
    # A page per title: fetched from the server and parsed as a document in the tab
    # (navigating to each costs a sixth of a second; the HTML is the same).
    with httpx.Client(base_url=server.url) as client:
        for p in corpus.posted:
            if "title" in p.accepted:
                seen.surface = f"plain page /title/{p.number}"
                served = client.get("/t/default", params={"uri": f"/title/{p.number}"})
                assert served.status_code == 200
                tab.set_content(served.text)
                seen.check_dom(tab, ".yorum-text")
                assert p.vector.strip()[:20] in tab.title()

    seen.lap("plain page", tab)
    # The admin queue, signed in as an admin made with `yorum user add`: every comment.
    seen.surface = "admin sign-in"
    tab.goto(f"{server.url}/admin")
    tab.get_by_label("Name").fill("ann")
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    playwright_api.expect(tab.get_by_role("heading", level=1)).to_contain_text("Comments")
    pages = (2 * len(corpus.posted) + 49) // 50
    for number in range(1, pages + 1):
        seen.surface = f"admin queue page {number}"
        tab.goto(f"{server.url}/admin?status=all&page={number}")
        seen.check_dom(tab, "[data-row] .text", minimum=1)
        # The details (e-mail, website) open, and every row's own controls.
        tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        tab.wait_for_timeout(50)

    seen.lap("admin", tab)
    # The Atom feeds, as documents: each thread's live, each site feed as it was served.
    for chunk in range(corpus.chunks):
        seen.surface = f"thread feed /xss/{chunk}"
        tab.goto(f"{server.url}/api/feeds/thread?site=default&uri=/xss/{chunk}")
        seen.check_dom(tab, "nothing-here", minimum=0)
        seen.surface = f"site feed {chunk}"
        url = f"{server.url}/xss-feed/{chunk}"
        body = corpus.site_feeds[chunk]
        tab.route(url, serve(body, "application/atom+xml"))
        tab.goto(url)
        seen.check_dom(tab, "nothing-here", minimum=0)

    seen.lap("feeds", tab)
    # The notification mails, composed as the outbox would, in the browser as documents.
    tab.goto("about:blank")
    for where, source in mail_html:
        seen.surface = where
        tab.set_content(source)
        seen.check_dom(tab, "blockquote", minimum=0)

    seen.lap("mails", tab)
    print("browser pass, seconds per surface:", seen.timings)
    context.close()
    elapsed = time.monotonic() - started
    assert not seen.executions, seen.executions
    assert not seen.outside, seen.outside
    assert not seen.dom, seen.dom[:20]
    assert not seen.errors, seen.errors[:20]
    assert elapsed < 120, f"the browser pass took {elapsed:.0f} s"


def test_feeds_hold_no_active_content(corpus: Corpus) -> None:
    with httpx.Client(base_url=corpus.server.url) as client:
        bodies = list(corpus.site_feeds) + [
            client.get("/api/feeds/thread", params={"site": "default", "uri": f"/xss/{n}"}).content
            for n in range(corpus.chunks)
        ]
    entries = 0
    for body in bodies:
        assert b"<?xml-stylesheet" not in body and b"<!DOCTYPE" not in body
        root = SafeET.fromstring(body)
        for element in root.iter():
            # Only Atom's own elements: nothing a reader sent became markup of the feed.
            assert element.tag.startswith(ATOM), element.tag
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), name
                if name == "href":
                    assert value.startswith(("http://", "https://")), value
        for entry in root.iter(f"{ATOM}entry"):
            entries += 1
            content = entry.find(f"{ATOM}content")
            assert content is not None and content.get("type") == "html"
            assert len(content) == 0  # escaped HTML text, no child elements
            assert not html_problems(content.text or "", comment=True), content.text
            title = entry.findtext(f"{ATOM}title") or ""
            assert len(entry.find(f"{ATOM}title") or []) == 0, title
    assert entries >= 2 * len(corpus.posted)


@pytest.fixture(scope="module")
def mail_html(corpus: Corpus) -> list[tuple[str, str]]:
    """Every notification mail's HTML, composed once for the two tests that read them."""
    return list(mails(corpus))


def mails(corpus: Corpus) -> Iterator[tuple[str, str]]:
    """The HTML of a moderator mail for every comment, a reply mail for every vector's
    comment, and one digest of them all."""
    from yorum.models import OutboxMessage
    from yorum.notify import messages
    from yorum.notify.compose import Composer
    from yorum.services import build
    from yorum.settings import Settings, with_overrides
    from yorum.storage import comments as comment_rows

    server = corpus.server
    settings = with_overrides(
        Settings(),
        server={"data_dir": str(server.data_dir), "public_url": server.url},
        database={"url": server.database_url},
    )
    svc = build(settings, migrate_schema=False)
    try:
        composer = Composer(svc.store, svc.links, settings)
        site = svc.sites.get("default")

        def outbox(kind: str, payload: dict[str, Any]) -> str:
            message = OutboxMessage(0, "email", kind, "default", "mod@example.org", payload,
                                    "pending", 0, 0.0, "", 0.0, None)  # fmt: skip
            body = composer.compose(message).get_body(("html",))
            assert body is not None
            text: str = body.get_content()  # type: ignore[attr-defined]
            return text

        previous = None
        for p in corpus.posted:
            for cid in (p.comment_id, p.title_comment_id):
                yield f"moderator mail {p.number}/{cid}", outbox("moderator", {"comment_id": cid})
            with svc.store.read() as tx:
                reply = comment_rows.get(tx, p.comment_id)
            assert reply is not None
            if previous is not None:
                mail = messages.reply_mail(
                    site=site, to="reader@example.org", parent=previous, reply=reply,
                    page_url=f"{server.url}/xss", unsubscribe_url=f"{server.url}/u",
                    sender="yorum@example.org",
                )  # fmt: skip
                body = mail.get_body(("html",))
                assert body is not None
                yield f"reply mail {p.number}", body.get_content()  # type: ignore[attr-defined]
            previous = reply
        yield "digest mail", outbox("digest", {"since": 0.0, "until": time.time() + 60})
    finally:
        svc.close()


def test_mails_hold_no_active_content(corpus: Corpus, mail_html: list[tuple[str, str]]) -> None:
    count = 0
    for where, source in mail_html:
        count += 1
        assert not html_problems(source, comment=False), (
            where,
            html_problems(source, comment=False),
        )
    assert count >= 3 * len(corpus.posted)
