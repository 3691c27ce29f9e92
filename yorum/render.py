"""Comment text to HTML: CommonMark, then an allow-list sanitizer. Runs once, on write.

Raw HTML in the text is shown as text, never interpreted; links get
``rel="nofollow ugc noopener"`` and only http, https and mailto survive.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "a", "em", "strong", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}, "code": {"class"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

_markdown = (
    MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    .enable(["linkify", "strikethrough"])
    .disable(["image"])
)


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel=LINK_REL,
    strip_comments=True,
)


def render(text: str) -> str:
    """Sanitized HTML for a comment's Markdown ``text``."""
    html = _markdown.render(text)
    return sanitize(html)


def sanitize(html: str) -> str:
    """Strip everything but the allowed tags, attributes and URL schemes from ``html``."""
    return _cleaner.clean(html).strip()
