"""The processes of a big import: one reads the source, others render the comments' HTML,
while the import service (``yorum.imports``) stores what they hand over."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import Connection

from yorum import render
from yorum.importers import BrokenInput, Record

CHUNK = 5000
"""Records the reading process hands over at a time."""


def read_apart(records: Iterable[Record]) -> Iterator[Record]:
    """The records, read in a forked process of their own where there is fork (Linux).

    Parsing a big export costs as much as storing it; apart, the two run side by side.
    The reader hands over lists of records through a pipe (which blocks it when the
    service falls behind), and the source's ``BrokenInput`` after the records before it.
    """
    if sys.platform != "linux":
        yield from records
        return
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    reader = context.Process(target=_pump, args=(records, send), daemon=True)
    reader.start()
    send.close()
    try:
        while True:
            try:
                kind, payload = receive.recv()
            except EOFError:
                raise RuntimeError("The process reading the file ended unexpectedly.") from None
            if kind == "records":
                yield from payload
            elif kind == "broken":
                raise BrokenInput(payload)
            elif kind == "failed":
                raise payload
            else:
                return
    finally:
        receive.close()
        if reader.is_alive():
            reader.kill()
        reader.join()


def _pump(records: Iterable[Record], send: Connection) -> None:
    """In the reading process: send the records in lists, then how the source ended."""
    chunk: list[Record] = []
    try:
        for record in records:
            chunk.append(record)
            if len(chunk) >= CHUNK:
                send.send(("records", chunk))
                chunk = []
        send.send(("records", chunk))
        send.send(("end", None))
    except BrokenInput as exc:
        send.send(("records", chunk))
        send.send(("broken", exc.message))
    except Exception as exc:  # a bug or an I/O error: raised again where the import runs
        send.send(("records", chunk))
        send.send(("failed", exc))
    finally:
        send.close()


def render_all(texts: list[str]) -> list[str]:
    """Sanitized HTML for each Markdown text ("" for "")."""
    return [render.render(text) if text else "" for text in texts]


class Renderer:
    """Renders batches of texts: in this process for the first batch, then in worker
    processes, so a big import renders while it parses and stores."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._batches = 0
        self._workers = max(1, min(4, (os.cpu_count() or 2) - 1))

    def submit(self, texts: list[str]) -> Callable[[], list[str]]:
        """Start rendering ``texts``; returns what waits for (and gives) the results."""
        self._batches += 1
        if self._batches == 1:
            done = render_all(texts)
            return lambda: done
        if self._pool is None:
            # Forked workers start at once and need nothing of the parent but the renderer;
            # where fork is unsafe or missing (macOS, Windows) they start afresh.
            method = "fork" if sys.platform == "linux" else "spawn"
            context = multiprocessing.get_context(method)
            self._pool = ProcessPoolExecutor(self._workers, mp_context=context)
        size = -(-len(texts) // self._workers) or 1
        futures = [
            self._pool.submit(render_all, texts[i : i + size]) for i in range(0, len(texts), size)
        ]
        return lambda: [html for future in futures for html in future.result()]

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
