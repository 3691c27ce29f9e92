"""Thread keys of an import: the source's page addresses as yorum's thread keys."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from yorum.errors import Invalid
from yorum.models import Site


@dataclass(frozen=True)
class Remap:
    """How the source's thread keys become yorum's: prefix rules, then URLs to paths.

    Each ``(old, new)`` rule replaces a key's leading ``old`` with ``new``; the longest
    matching prefix wins. Then a key that is a full URL on one of the site's origins
    becomes its path (with its query), since yorum's widget keys threads by path.
    """

    rules: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, maps: Iterable[str] = (), map_file: Path | None = None) -> Remap:
        """Rules from ``OLD=NEW`` options and a file of ``OLD NEW`` lines (``#`` comments)."""
        rules: list[tuple[str, str]] = []
        for item in maps:
            old, sep, new = item.partition("=")
            if not sep or not old:
                raise Invalid(f"--map wants OLD_PREFIX=NEW_PREFIX, not {item!r}.", field="map")
            rules.append((old, new))
        if map_file is not None:
            try:
                lines = map_file.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise Invalid(f"Cannot read {map_file}: {exc}", field="map_file") from None
            for number, line in enumerate(lines, 1):
                parts = line.split()
                if not parts or parts[0].startswith("#"):
                    continue
                if len(parts) > 2:
                    raise Invalid(
                        f"{map_file}, line {number}: want 'OLD NEW', got {line.strip()!r}.",
                        field="map_file",
                    )
                rules.append((parts[0], parts[1] if len(parts) == 2 else ""))
        rules.sort(key=lambda rule: len(rule[0]), reverse=True)
        return cls(tuple(rules))

    def key(self, thread: str, site: Site) -> str:
        """The yorum thread key for the source's ``thread`` key."""
        for old, new in self.rules:
            if thread.startswith(old):
                thread = new + thread[len(old) :]
                break
        parts = urlsplit(thread)
        if parts.scheme in ("http", "https") and parts.netloc:
            origin = f"{parts.scheme}://{parts.netloc}".lower()
            if origin in site.origins or "*" in site.origins:
                path = parts.path or "/"
                return path + (f"?{parts.query}" if parts.query else "")
        return thread
