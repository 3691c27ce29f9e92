"""HTML from other comment systems, as the Markdown yorum stores."""

from __future__ import annotations

import random

import pytest

from yorum import render
from yorum.importers import html_to_markdown


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("plain &amp; simple", "plain & simple"),
        ("<p>Hello <b>world</b>, <i>see</i> <code>x()</code></p>", "Hello **world**, _see_ `x()`"),
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("a<br>b", "a  \nb"),
        ('<a href="https://x.org/a">link</a>', "[link](https://x.org/a)"),
        ('<a href="javascript:alert(1)">bad</a>', "[bad]"),
        ("<blockquote><p>quoted</p><p>two</p></blockquote><p>after</p>",
         "> quoted\n>\n> two\n\nafter"),
        ("<pre><code>x = 1\n  y</code></pre>", "```\nx = 1\n  y\n```"),
        ("<ul><li>a</li><li>b</li></ul><ol><li>c</li></ol>", "- a\n- b\n\n1. c"),
        ("<script>alert(1)</script>ok", "alert(1)ok"),
    ],
)  # fmt: skip
def test_html_becomes_markdown(html: str, markdown: str) -> None:
    assert html_to_markdown(html) == markdown


def test_what_is_converted_renders_safely() -> None:
    html = render.render(html_to_markdown('<p onclick="x()">Hi <img src=x onerror=alert(1)></p>'))
    assert "onclick" not in html and "onerror" not in html and "<img" not in html


@pytest.mark.parametrize("seed", range(3))
def test_the_paragraph_shortcut_agrees_with_the_parser(seed: int) -> None:
    from yorum.importers import _PARAGRAPHS, _ToMarkdown

    rng = random.Random(seed)
    pieces = [
        "a",
        "b c",
        " ",
        "\n",
        "\t",
        "&amp;",
        "&lt;i&gt;",
        "&#10;",
        "\xa0",
        "ç",
        "**",
        "</p><p>",
    ]
    checked = 0
    for _ in range(3000):
        html = "<p>" + "".join(rng.choices(pieces, k=rng.randint(0, 12))) + "</p>"
        if not _PARAGRAPHS.fullmatch(html):
            continue
        parser = _ToMarkdown()
        parser.feed(html)
        parser.close()
        assert html_to_markdown(html) == parser.markdown(), repr(html)
        checked += 1
    assert checked > 1000
