"""Comment text to HTML: CommonMark, then an allow-list sanitizer. Runs once, on write.

Raw HTML in the text is shown as text, never interpreted; links get
``rel="nofollow ugc noopener"`` and only http, https and mailto survive.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "a", "em", "strong", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "code": {"class"}}
"""Only these: the ``"*"`` entry below clears nh3's default of ``lang`` and ``title`` on
any element (a link's title, from Markdown's ``[text](url "title")``, is kept)."""
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

_markdown = (
    MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    .enable(["linkify", "strikethrough"])
    .disable(["image"])
)


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes={**ALLOWED_ATTRIBUTES, "*": set()},
    url_schemes=URL_SCHEMES,
    link_rel=LINK_REL,
    strip_comments=True,
)


# Text that CommonMark can only read as paragraphs of plain words: no character that
# starts markup, links or entities, no line that could open a list or a heading, no
# "x.y" that linkify could take for a domain. Most comments are like this, and for them
# ``_plain_html`` writes what markdown-it would, some twenty times faster (bulk imports
# render a million comments; tests/test_render_plain.py holds the two to the same output).
_PLAIN = re.compile(r"[\w ,.;?!'\"()%$€£—–…’‘“”\n-]*")
_NOT_PLAIN = re.compile(r"_|\.\w|^[ \t]|[ \t]$|^\d+[.)]|^-|\n\n\n|\A\n|\n\Z", re.MULTILINE)


def _plain_html(text: str) -> str | None:
    """markdown-it's HTML for ``text`` if it is paragraphs of plain words, else None."""
    if not _PLAIN.fullmatch(text) or _NOT_PLAIN.search(text):
        return None
    paragraphs = text.replace('"', "&quot;").split("\n\n")
    return "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs if paragraph)


def render(text: str) -> str:
    """Sanitized HTML for a comment's Markdown ``text``."""
    html = _plain_html(text)
    if html is None:
        html = _markdown.render(text)
    return sanitize(html)


def sanitize(html: str) -> str:
    """Strip everything but the allowed tags, attributes and URL schemes from ``html``."""
    return _cleaner.clean(html).strip()
