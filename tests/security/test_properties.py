"""Property tests: whatever the input, the renderer and the sanitizer give safe HTML, and
the importers either read a file or say clearly that they cannot.

Hypothesis draws texts from plain Unicode and from a mix of fragments that attack HTML
and Markdown (tags, event handlers, dangerous URL schemes, entity and whitespace tricks).
"""

from __future__ import annotations

import io
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yorum import render
from yorum.importers import BrokenInput, available, html_to_markdown

FRAGMENTS = [
    "<script>alert(1)</script>", "<SCRIPT SRC=//x.example/x.js>", "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>", "<a href=\"javascript:alert(1)\">x</a>", "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))", "[x](java\tscript:alert(1))", "[x](&#106;avascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)", "[x](vbscript:msgbox)", "<javascript:alert(1)>",
    "<iframe srcdoc='<script>alert(1)</script>'>", "\"><img src=x onerror=alert(1)>",
    "<math><mi xlink:href=\"javascript:alert(1)\">", "<style>*{x:expression(alert(1))}</style>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", "<!--", "-->", "<![CDATA[",
    "[a]: javascript:alert(1)\n\n[x][a]", "`<script>`", "```\n<script>\n```", "> ", "* ", "1. ",
    "**", "_", "[", "](", ")", "<", ">", "&", "&lt;", "&#0;", "\x00", "\u202e", "\u200d",
    "\ufeff", "＜script＞", "https://example.org/a?b=<c>", "www.example.org", "mailto:a@b.c",
    " ", "\n", "\n\n", "\t", "x", "onerror=", "style=", "href=", "[x](https://example.org \"t\")",
    "<p lang=en title=t dir=rtl>", "<span style=\"color:red\" class=x id=y>",
]  # fmt: skip

hostile = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=30).map("".join)
texts = st.one_of(st.text(max_size=400), hostile)

SAFE_SCHEMES = {"http", "https", "mailto"}


class _Audit(HTMLParser):
    """Collects what an HTML fragment would let a browser do."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in render.ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        allowed = render.ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            if name not in allowed:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and value is not None:
                scheme = urlsplit(value.strip()).scheme.lower()
                if scheme and scheme not in SAFE_SCHEMES:
                    self.problems.append(f"href {value!r}")


def problems(html: str) -> list[str]:
    audit = _Audit()
    audit.feed(html)
    audit.close()
    if "<script" in html.lower():
        audit.problems.append("<script")
    return audit.problems


PROPERTY = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(texts)
def test_rendered_markdown_is_always_safe(text: str) -> None:
    assert problems(render.render(text)) == []


@PROPERTY
@given(texts)
def test_sanitized_html_is_always_safe(html: str) -> None:
    assert problems(render.sanitize(html)) == []


@PROPERTY
@given(texts)
def test_html_from_an_import_renders_safely(html: str) -> None:
    assert problems(render.render(html_to_markdown(html))) == []


def test_the_audit_itself_catches_what_it_looks_for() -> None:
    """The checks above can fail: unsafe HTML is seen as unsafe."""
    assert problems('<a href="javascript:alert(1)">x</a>') == ["href 'javascript:alert(1)'"]
    assert problems("<img src=x onerror=alert(1)>") == [
        "tag <img>",
        "attribute src on <img>",
        "attribute onerror on <img>",
    ]
    assert problems('<p>fine <a href="https://example.org" rel="nofollow">x</a></p>') == []


FORMATS = sorted(available())
XML_LIKE = st.lists(
    st.sampled_from(
        ["<?xml version='1.0'?>", "<disqus xmlns='http://disqus.com'>", "<post>", "</post>",
         "<rss>", "<channel>", "<item>", "<!DOCTYPE x [<!ENTITY a 'b'>]>", "&a;", "{", "}",
         "\"comments\": [", "]", "{\"version\": 1}", "\n", "\x1f\x8b", "\x00", "\xff"]
    )
    | st.text(max_size=6),
    max_size=20,
).map(lambda parts: "".join(parts).encode("utf-8", "surrogatepass"))  # fmt: skip


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=40, deadline=None, database=None)
@given(data=st.binary(max_size=300) | XML_LIKE)
def test_an_importer_reads_any_bytes_or_says_why_not(fmt: str, data: bytes) -> None:
    importer = available()[fmt]()
    try:
        for _ in importer.parse(io.BytesIO(data)):
            pass
    except BrokenInput as exc:
        assert exc.message and exc.code == "broken_input"


def test_only_the_allowed_attributes_survive() -> None:
    html = render.sanitize(
        '<p lang="en" title="t" dir="rtl">a <a href="https://x.org" title="u" lang="de">b</a></p>'
    )
    assert html == '<p>a <a href="https://x.org" title="u" rel="nofollow ugc noopener">b</a></p>'
    assert problems('<p lang="en">x</p>') == ["attribute lang on <p>"]
