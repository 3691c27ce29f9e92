"""Importers: parsers that turn another system's export into ``ImportedComment`` records.

An importer reads its source as a stream and yields records; it never touches the
database. ``yorum import FORMAT FILE --site SITE`` hands the records to the import
service, which writes them in batches, keyed on the source's ids (importing a file twice
changes nothing), resolves parents that come after their children, and reports what it
skipped and why. Importers are found through the ``yorum.importers`` entry points, yorum's
own like any other package's: a third-party format is one entry point away.

An importer:
- yields ``ImportedComment`` for each comment, and ``Skipped`` (with a reason a person
  understands) for each record it cannot use, so that nothing is dropped silently;
- may yield one ``Restore`` after its last comment, with the rest of a full backup (only
  yorum's own format does);
- raises ``BrokenInput`` for input it cannot read on (a truncated or malformed file),
  naming where; what was yielded before stays valid;
- converts the source's text to what yorum stores (Markdown; ``html_to_markdown`` for
  HTML sources); yorum renders and sanitizes it on import like any comment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from importlib.metadata import entry_points
from typing import BinaryIO, Protocol

from yorum.errors import Invalid
from yorum.models import BanKind, Reason, ReportReason, Site, Status, WordKind

GROUP = "yorum.importers"


@dataclass(frozen=True)
class ImportedComment:
    """One comment as a source describes it, before it is stored."""

    source_id: str  # unique within the source (a Disqus post id, a WordPress comment_ID)
    thread: str  # the page's key in the source: its URL or path, before remapping
    title: str  # the page's title; "" when the source has none
    parent: str | None  # the source_id of the comment replied to
    author: str
    email: str
    website: str
    text: str  # Markdown, as yorum stores a comment's text
    created_at: float  # Unix seconds, UTC
    status: Status  # APPROVED, PENDING, SPAM, or DELETED (kept as a placeholder)
    likes: int = 0
    dislikes: int = 0
    ip: str = ""  # the raw address when the source has one; only its keyed hash is kept
    edited_at: float | None = None


@dataclass(frozen=True)
class Skipped:
    """A record of the source that is not imported, and why."""

    source_id: str  # "" when the record has no id
    reason: str


@dataclass(frozen=True)
class RestoredComment(ImportedComment):
    """A comment from a yorum export: ``source_id`` and ``parent`` are its old ids."""

    html: str = ""  # text_html as it was rendered and sanitized
    ip_hash: str = ""  # already the keyed hash (``ip`` stays ""): store it as it is
    avatar: str = ""  # the avatar seed
    pinned: bool = False
    locked: bool = False
    hold_reason: str = ""
    notify: bool = False
    score: float | None = None  # the spam verdict; None if it was never scored
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class RestoredThread:
    """A thread as exported: what the import service needs beyond a comment's title."""

    uri: str
    title: str
    locked: bool
    created_at: float


@dataclass(frozen=True)
class RestoredBan:
    kind: BanKind
    value: str  # a lower-case address, a keyed address hash, or a name pattern
    reason: str
    created_at: float
    expires_at: float | None


@dataclass(frozen=True)
class RestoredWord:
    kind: WordKind
    word: str
    created_at: float


@dataclass(frozen=True)
class RestoredCommenter:
    key: str  # email:<address> or ip:<keyed hash>
    trusted: bool
    known: bool
    updated_at: float


@dataclass(frozen=True)
class RestoredReport:
    comment: str  # the source id of the comment reported
    reporter_hash: str
    reason: ReportReason
    note: str
    created_at: float


@dataclass(frozen=True)
class RestoredAction:
    """One audit-log entry; ``comment`` is the source id of the comment acted on."""

    actor: str
    action: str
    comment: str | None
    uri: str | None
    reason: str
    created_at: float


@dataclass
class Restore:
    """Everything a full export of a site holds besides its comments (only yorum's own
    format has it), gathered as the file is read and yielded once, after the last comment:
    the import service restores it when every comment is stored."""

    exported_at: float = 0.0
    site: Site | None = None
    threads: dict[str, RestoredThread] = field(default_factory=dict)
    bans: list[RestoredBan] = field(default_factory=list)
    words: list[RestoredWord] = field(default_factory=list)
    commenters: list[RestoredCommenter] = field(default_factory=list)
    reports: list[RestoredReport] = field(default_factory=list)
    audit_log: list[RestoredAction] = field(default_factory=list)


Record = ImportedComment | Skipped | Restore


class BrokenInput(Invalid):
    """The source cannot be read on: truncated, malformed, or not this format."""

    code = "broken_input"

    def __init__(self, message: str, field: str = "file") -> None:
        super().__init__(message, field=field)


class Importer(Protocol):
    """Reads one format."""

    name: str  # the FORMAT of ``yorum import FORMAT FILE``

    def parse(self, source: BinaryIO) -> Iterator[Record]:
        """The source's comments, in the order it holds them, as a stream."""


def available() -> dict[str, type[Importer]]:
    """The installed importers, by format name."""
    return {ep.name: ep.load() for ep in entry_points(group=GROUP)}


def load(name: str) -> Importer:
    """The importer for ``name``; ``Invalid`` naming the installed ones if there is none."""
    found = {ep.name: ep for ep in entry_points(group=GROUP)}
    if name not in found:
        known = ", ".join(sorted(found)) or "none"
        raise Invalid(f"No importer for {name!r} (installed: {known}).", field="format")
    importer: Importer = found[name].load()()
    return importer


class _ToMarkdown(HTMLParser):
    """HTML (as comment systems store it) to the Markdown yorum stores."""

    BLOCKS = {"p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr"}
    OPEN_QUOTE, CLOSE_QUOTE = "\x01", "\x02"

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[str] = []
        self.pre = 0
        self.lists: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.append("  \n")
        elif tag == "blockquote":
            self.out.append(f"\n\n{self.OPEN_QUOTE}\n")
        elif tag == "pre":
            self.pre += 1
            self.out.append("\n\n```\n")
        elif tag in ("ul", "ol"):
            self.lists.append(tag)
            self.out.append("\n\n")
        elif tag == "li":
            self.out.append("\n1. " if self.lists[-1:] == ["ol"] else "\n- ")
        elif tag in self.BLOCKS:
            self.out.append("\n\n")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("_")
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
            self.out.append("[")

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self.out.append(f"\n{self.CLOSE_QUOTE}\n\n")
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self.out.append("\n```\n\n")
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.out.append("\n\n")
        elif tag in self.BLOCKS:
            self.out.append("\n\n")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("_")
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag == "a":
            href = self.links.pop() if self.links else ""
            self.out.append(f"]({href})" if href.startswith(("http://", "https://", "/")) else "]")

    def handle_data(self, data: str) -> None:
        self.out.append(data if self.pre else re.sub(r"\s+", " ", data))

    def markdown(self) -> str:
        """The Markdown written so far, with quotes marked and blank lines collapsed."""
        depth = 0
        lines: list[str] = []
        in_code = False
        for raw in "".join(self.out).split("\n"):
            if raw == self.OPEN_QUOTE:
                depth += 1
                continue
            if raw == self.CLOSE_QUOTE:
                depth = max(0, depth - 1)
                continue
            if raw.strip() == "```":
                in_code = not in_code
            line = raw if in_code else raw.strip(" ") + ("  " if raw.endswith("  ") else "")
            if lines and not line.strip() and not lines[-1].strip("> "):
                continue  # one blank line between blocks is enough
            quoted = "> " * depth + line
            hard_break = line.endswith("  ") and line.strip()
            lines.append(quoted if hard_break else quoted.rstrip() if line.strip() or depth else "")
        # A quote's last blank line belongs to what follows it.
        kept = [
            "" if line and not line.strip(">") and not (
                i + 1 < len(lines) and lines[i + 1].startswith(">")) else line
            for i, line in enumerate(lines)
        ]  # fmt: skip
        return "\n".join(kept).strip()


# Paragraphs of text and nothing else, as most comments are: converted without the parser.
_PARAGRAPHS = re.compile(r"(?:<p>[^<]*</p>)+")


def html_to_markdown(html: str) -> str:
    """Comment HTML as Markdown: paragraphs, line breaks, emphasis, code, quotes, lists,
    links (http, https and relative only). Other tags keep their text and lose the tag."""
    if "<" not in html:
        return unescape(html).strip()
    if _PARAGRAPHS.fullmatch(html):
        paragraphs = (" ".join(unescape(p).split()) for p in html[3:-4].split("</p><p>"))
        return "\n\n".join(p for p in paragraphs if p)
    parser = _ToMarkdown()
    parser.feed(html)
    parser.close()
    return parser.markdown()
