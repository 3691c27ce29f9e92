"""Reading an importer's source: gzip detected on the fly, a real file when one is needed,
and the parts of a large JSON document picked out as a stream."""

from __future__ import annotations

import gzip
import io
import os
import re
import shutil
import tempfile
import zlib
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, cast

import ijson

from yorum.importers import BrokenInput

_GZIP_MAGIC = b"\x1f\x8b"


def decompressed(source: BinaryIO) -> BinaryIO:
    """``source`` as its plain bytes: decompressed on the fly if it is gzip, else as it is.

    Works on streams that cannot seek (a pipe): the first bytes are peeked, not consumed.
    """
    if isinstance(source, io.BufferedReader):
        head = source.peek(2)[:2]
    elif source.seekable():
        position = source.tell()
        head = source.read(2)
        source.seek(position)
    else:
        buffered = io.BufferedReader(source)  # type: ignore[type-var]
        head = buffered.peek(2)[:2]
        source = cast(BinaryIO, buffered)
    return cast(BinaryIO, _CheckedGzip(source)) if head == _GZIP_MAGIC else source


class _CheckedGzip(gzip.GzipFile):
    """A gzip stream whose damage (a truncated or corrupt file) is ``BrokenInput``."""

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__(fileobj=raw, mode="rb")

    def read(self, size: int | None = -1) -> bytes:
        try:
            return super().read(size)
        except (EOFError, OSError, zlib.error) as exc:
            raise BrokenInput(
                f"The gzip file is damaged or truncated: {exc}", field="file"
            ) from exc

    def read1(self, size: int = -1) -> bytes:
        try:
            return super().read1(size)
        except (EOFError, OSError, zlib.error) as exc:
            raise BrokenInput(
                f"The gzip file is damaged or truncated: {exc}", field="file"
            ) from exc

    def readline(self, size: int | None = -1) -> bytes:
        try:
            return super().readline(size)
        except (EOFError, OSError, zlib.error) as exc:
            raise BrokenInput(
                f"The gzip file is damaged or truncated: {exc}", field="file"
            ) from exc


def file_path(source: BinaryIO) -> Path | None:
    """The path of the file ``source`` reads from, if it is an open regular file."""
    name = getattr(source, "name", None)
    if not isinstance(name, str | bytes) or isinstance(source, gzip.GzipFile):
        return None
    path = Path(os.fsdecode(name))
    return path if path.is_file() else None


@contextmanager
def on_disk(source: BinaryIO, *, plain: bool = False) -> Iterator[Path]:
    """A path holding ``source``'s bytes: its own file, or a temporary copy removed after.

    ``plain``: decompress gzip first (a copy is then always made).
    """
    path = file_path(source)
    if path is not None and not (plain and _is_gzip(path)):
        yield path
        return
    with tempfile.NamedTemporaryFile(prefix="yorum-import-", delete=False) as copy:
        try:
            shutil.copyfileobj(decompressed(source) if plain else source, copy, 1 << 20)
        except BaseException:
            os.unlink(copy.name)
            raise
    try:
        yield Path(copy.name)
    finally:
        os.unlink(copy.name)


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(2) == _GZIP_MAGIC


_FRACTION = re.compile(r"(\.\d{6})\d+")


def rfc3339(value: object) -> float | None:
    """An RFC 3339 time (Go writes nanoseconds) as Unix seconds.

    None when it is missing, not a time, has no offset, or is Go's zero time (year 1).
    """
    if not isinstance(value, str) or value.startswith("0001-01-01"):
        return None
    try:
        moment = datetime.fromisoformat(_FRACTION.sub(r"\1", value.replace("Z", "+00:00")))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.timestamp()


def json_items(stream: BinaryIO, prefixes: Collection[str]) -> Iterator[tuple[str, Any]]:
    """The values at ``prefixes`` of one JSON document, in document order, as it is read.

    A prefix is ijson's path: ``"version"`` for a top-level key, ``"comments.item"`` for
    each element of the top-level array ``comments``. Only one element is in memory at a
    time. Malformed or truncated JSON is ``BrokenInput``.
    """
    builder: Any = None
    current = ""
    try:
        for prefix, event, value in ijson.parse(stream, use_float=True):
            if builder is not None:
                builder.event(event, value)
                if prefix == current and event in ("end_map", "end_array"):
                    yield current, builder.value
                    builder = None
            elif prefix in prefixes:
                if event in ("start_map", "start_array"):
                    builder = ijson.ObjectBuilder()
                    builder.event(event, value)
                    current = prefix
                elif event != "map_key":
                    yield prefix, value
    except ijson.JSONError as exc:
        raise BrokenInput(f"Not valid JSON (truncated or damaged?): {exc}", field="file") from exc
