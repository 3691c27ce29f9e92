"""The plain-text shortcut of ``render``: wherever it answers, it answers as markdown-it.

Random texts from an alphabet heavy in the characters CommonMark and linkify care about;
each one the shortcut takes must render exactly as the full pipeline renders it.
"""

from __future__ import annotations

import random

import pytest

from yorum import render

ALPHABET = (
    list("abcdefghij XYZ çğüşİı 0123456789") * 3
    + list(".,;:?!'\"()%$€-–—…_*`[]<>&#+=~|\\/@\t")
    + ["\n", "\n", "\n\n", "  ", "1. ", "- ", "www.", "example.org", "http://", "a@b.co"]
)


def texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(ALPHABET, k=rng.randint(0, 40))) for _ in range(count)]


@pytest.mark.parametrize("seed", range(4))
def test_the_shortcut_agrees_with_markdown_it(seed: int) -> None:
    taken = 0
    for text in texts(seed, 5000):
        html = render._plain_html(text)
        if html is not None:
            taken += 1
            assert html == render._markdown.render(text), repr(text)
    assert taken > 100  # the shortcut is exercised, not only refused


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Plain words, and more!", "<p>Plain words, and more!</p>"),
        ("One\ntwo\n\nthree", "<p>One\ntwo</p>\n<p>three</p>"),
        ('She said "çay" (100%)', '<p>She said "çay" (100%)</p>'),
    ],
)
def test_plain_text_takes_the_shortcut(text: str, html: str) -> None:
    assert render._plain_html(text) is not None
    assert render.render(text) == html


@pytest.mark.parametrize(
    "text",
    [
        "see example.org",
        "1. first",
        "- item",
        "a_b",
        "x  \ny",
        " indented",
        "2019) year",
        "a\n\n\nb",
    ],
)
def test_what_could_be_markup_goes_the_long_way(text: str) -> None:
    assert render._plain_html(text) is None
