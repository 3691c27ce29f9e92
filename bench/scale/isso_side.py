"""Isso in the same run: a 100-comment thread posted through its API, and, when asked,
Isso's database filled with the same comments as yorum's (small and large), each read
with the same load settings as yorum's threads."""

from __future__ import annotations

import json
import random
import statistics
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.run import free_port
from bench.scale.data import Plan, texts
from bench.scale.fill import Filled, fill_isso, isso_conf
from bench.scale.load import Isso, Load, Measure

THREAD = "/bench/thread"


def post_thread(base: str, count: int = 100) -> None:
    """``count`` comments through Isso's ``POST /new``, about one in six a reply."""
    rng = random.Random(2026)
    pool = texts(rng, count)
    ids: list[int] = []
    for n in range(count):
        body: dict[str, object] = {
            "text": pool[n],
            "author": f"Reader {n}",
            "title": "A benchmark thread",
        }
        if ids and n % 6 == 5:
            body["parent"] = ids[rng.randrange(len(ids))]
        request = urllib.request.Request(
            f"{base}/new?uri={THREAD}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 201, response.status
            ids.append(json.loads(response.read())["id"])


def shown(base: str, path: str) -> int:
    """How many comments Isso's answer to ``path`` holds, replies included."""
    with urllib.request.urlopen(base + path, timeout=600) as response:
        payload = json.loads(response.read())

    def count(nodes: list[Any]) -> int:
        return sum(1 + count(n.get("replies") or []) for n in nodes)

    return count(payload["replies"])


def measure_isso(
    workdir: Path, load: Load, plans: list[Plan], say: object
) -> tuple[list[Measure], dict[str, Filled]]:
    """Isso's 100-comment thread posted through its API, then Isso's database filled per
    plan; each thread read measured. ``say`` prints a line of progress."""
    assert callable(say)
    measures: list[Measure] = []
    fills: dict[str, Filled] = {}
    targets = [("isso-api", None)] + [(f"isso-{p.label}", p) for p in plans]
    for name, plan in targets:
        home = workdir / name
        home.mkdir()
        port = free_port()
        conf, db = home / "isso.cfg", home / "comments.db"
        isso_conf(conf, db, port)
        if plan is not None:
            fills[name] = fill_isso(db, conf, plan)
            say(f"{name}: filled {plan.comments:,} comments in {fills[name].seconds:.0f} s")
        server = Isso(conf, port, home / "server.log")
        try:
            if plan is None:
                post_thread(server.base)
                path = f"/?uri={THREAD}"
            else:
                path = "/?uri=/bench/read/0"
            began = time.perf_counter()
            n = shown(server.base, path)
            once = time.perf_counter() - began
            assert n == 100, f"{name}: Isso shows {n} comments"
            if once < load.duration / 5:
                scenario = "isso-read"
                figures = load.run(server.base, [path], script_dir=workdir, name=name)
            else:  # too slow for wrk to see an answer: time a few, one after the other
                scenario = "isso-seq"
                figures = sequential(server.base, path, once)
        finally:
            server.stop()
        measures.append(Measure(scenario, name, *figures))
        say(line(measures[-1]))
        db.unlink()
    return measures, fills


def sequential(base: str, path: str, first: float) -> tuple[float, float, float, int, int, int]:
    """Three reads one after the other (and the first one, timed before): req/s as one
    over the mean, p50 the median, p99 the slowest."""
    seconds = [first]
    for _ in range(3):
        began = time.perf_counter()
        shown(base, path)
        seconds.append(time.perf_counter() - began)
    ms = sorted(s * 1000 for s in seconds)
    return 1000 / statistics.mean(ms), statistics.median(ms), ms[-1], 0, 0, len(ms)


def line(m: Measure) -> str:
    """One measure as a line of progress."""
    return (
        f"{m.database:16} {m.scenario:10} {m.requests_per_second:9.1f} req/s  "
        f"p50 {m.p50_ms:8.2f} ms  p99 {m.p99_ms:8.2f} ms  errors {m.errors}  "
        f"non-2xx {m.non_2xx}  requests {m.requests}"
    )
