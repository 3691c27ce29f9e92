"""Markdown rendering and sanitizing: whatever readers type comes out inert."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from yorum.render import ALLOWED_TAGS, render


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("**bold** and _it_", "<p><strong>bold</strong> and <em>it</em></p>"),
        ("`x < y`", "<p><code>x &lt; y</code></p>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("~~gone~~", "<p><s>gone</s></p>"),
        (
            "see https://example.org/a?b=1",
            '<p>see <a href="https://example.org/a?b=1" rel="nofollow ugc noopener">'
            "https://example.org/a?b=1</a></p>",
        ),
        (
            "[site](https://example.org)",
            '<p><a href="https://example.org" rel="nofollow ugc noopener">site</a></p>',
        ),
    ],
)
def test_commonmark_with_links_and_code(text: str, html: str) -> None:
    assert render(text) == html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox)",
        '[x](https://example.org "title" onmouseover="alert(1)")',
        '[x](https://example.org/"onmouseover="alert(1))',
        "![img](https://example.org/tracker.png)",
        "<iframe src=https://example.org></iframe>",
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<!-- comment --><svg onload=alert(1)>",
    ],
)
def test_dangerous_input_is_inert(text: str) -> None:
    elements = Elements()
    elements.feed(render(text))
    for tag, attrs in elements.found:
        assert tag in ALLOWED_TAGS
        for name, value in attrs:
            assert name in {"href", "rel", "class", "start"}, (tag, name)
            if name == "href":
                assert urlsplit(value or "").scheme in {"", "http", "https", "mailto"}


class Elements(HTMLParser):
    """Collects every element and attribute a browser would see in an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def test_every_link_is_nofollow() -> None:
    html = render("[a](https://a.example) <https://b.example> https://c.example")
    assert html.count("<a ") == 3
    assert html.count('rel="nofollow ugc noopener"') == 3
