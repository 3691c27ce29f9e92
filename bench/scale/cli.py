"""The scale bench's command line: fill, measure, compare, check, report.

For each backend (SQLite on disk, PostgreSQL in a fresh database), a small and a large
database are filled the same way; then, against real ``yorum serve`` processes, each
scenario runs on the small database and right after on the large one:

- ``warm``: a 100-comment thread from yorum's page cache,
- ``cold``: the same kind of read from a process with the page cache switched off, taking
  the ``read_threads`` 100-comment threads in turn,
- ``counts``: comment counts for 15 pages in one request (pages of every size, in turn),
- ``big``: the first page (100) of the largest thread, page cache off (not checked),
- ``post-1`` and ``post-4``: new comments to existing pages, one and four processes.

Isso runs in the same run: a 100-comment thread posted through its API, and its own
database filled with the same comments. The thread read's p99 on the large database
must stay within ``--max-ratio`` times the small one's, warm and cold, on every backend
(the best of ``--rounds`` runs each, taken in turn, so that a burst of noise from other
work on the machine does not decide); the exit status is 1 when it does not. Results go
to ``bench/results/<time>-scale/``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import time
import urllib.request
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.scale.data import Plan, thread_sizes, uri
from bench.scale.fill import Filled, create_pg_database, drop_pg_database, fill_yorum
from bench.scale.isso_side import line, measure_isso
from bench.scale.load import ROOT, Load, Measure, Yorum
from bench.scale.report import check, write_report

COUNT_PAGES = 15


def say(text: str) -> None:
    """A line of progress."""
    print(text, flush=True)


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    add = parser.add_argument
    add("--comments", type=int, default=1_000_000, help="comments in the large database")
    add("--threads", type=int, default=100_000, help="threads in the large database")
    add("--small-comments", type=int, default=10_000, help="comments in the small database")
    add("--small-threads", type=int, default=1_000, help="threads in the small database")
    add("--small", action="store_true", help="only the small database (no check)")
    add("--read-threads", type=int, default=20, help="100-comment threads the reads take")
    add("--backends", default="sqlite,postgresql", help="sqlite, postgresql or both")
    add(
        "--postgresql",
        default=os.environ.get(
            "YORUM_BENCH_POSTGRESQL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL URL allowed to create and drop databases",
    )
    add("--duration", type=float, default=10, help="seconds per scenario")
    add("--connections", type=int, default=50, help="connections per scenario")
    add("--rounds", type=int, default=2, help="runs of each checked read, small and large in turn")
    add("--client", choices=("wrk", "python"), default="wrk", help="the load generator")
    add("--isso", choices=("none", "api", "all"), default="all",
        help="Isso: none, a thread posted through its API, or also its own databases")  # fmt: skip
    add("--max-ratio", type=float, default=2.0, help="large/small thread read p99 allowed")
    add("--keep", action="store_true", help="keep the databases (deleted by default)")
    add("--out", type=Path, help="results directory (default bench/results/<time>-scale)")
    return parser.parse_args(argv)


def thread_path(page: str, limit: int = 100) -> str:
    """yorum's public thread read of ``page``."""
    return f"/api/thread?site=default&uri={page}&limit={limit}"


def visible(base: str, path: str) -> int:
    """How many comments yorum's answer holds, replies included."""
    with urllib.request.urlopen(base + path, timeout=60) as response:
        payload = json.loads(response.read())

    def count(nodes: list[Any]) -> int:
        return sum(1 + count(n["replies"]) for n in nodes)

    return count(payload["comments"])


class Database:
    """One filled yorum database and what the scenarios ask of it."""

    def __init__(self, backend: str, plan: Plan, workdir: Path, admin_url: str) -> None:
        self.backend, self.plan = backend, plan
        self.name = f"{backend}-{plan.label}"
        self.home = workdir / self.name
        self.home.mkdir()
        self.admin_url = admin_url
        self.pg_name = f"yorum_scale_{os.getpid()}_{plan.label}"
        if backend == "sqlite":
            self.url = f"sqlite:///{self.home / 'yorum.sqlite3'}"
        else:
            self.url = create_pg_database(admin_url, self.pg_name)
        sizes = thread_sizes(plan)
        self.largest = 1 + max(range(len(sizes)), key=sizes.__getitem__)
        self.largest_size = sizes[self.largest - 1]
        others = list(range(plan.read_threads + 1, plan.threads + 1))
        step = max(1, len(others) // 200)
        self.post_uris = [uri(t, plan.read_threads) for t in others[::step][:200]]
        self.count_paths = [
            "/api/counts?site=default&"
            + "&".join(f"uri={uri(t, plan.read_threads)}" for t in others[k::step][:COUNT_PAGES])
            for k in range(min(step, 20))
        ]
        self.read_paths = [thread_path(f"/bench/read/{k}") for k in range(plan.read_threads)]
        self.servers: dict[str, Yorum] = {}

    def fill(self) -> Filled:
        """Fill it; the figures."""
        return fill_yorum(self.url, self.home / "data", self.plan)

    def serve(self, name: str, workers: int = 1, **env: str) -> Yorum:
        """Start (and remember) a ``yorum serve`` on this database."""
        log = self.home / f"serve-{name}.log"
        server = Yorum(self.url, self.home / "data", log, workers, **env)
        self.servers[name] = server
        return server

    def stop(self, name: str) -> None:
        """Stop one of its servers."""
        self.servers.pop(name).stop()

    def drop(self, keep: bool) -> None:
        """Stop its servers and, unless kept, delete the database."""
        for name in list(self.servers):
            self.stop(name)
        if keep:
            return
        if self.backend == "sqlite":
            for path in self.home.glob("yorum.sqlite3*"):
                path.unlink()
        else:
            drop_pg_database(self.admin_url, self.pg_name)


def run_backend(
    backend: str, plans: list[Plan], args: argparse.Namespace, workdir: Path, load: Load
) -> tuple[list[Measure], dict[str, Filled]]:
    """Fill this backend's databases, run every scenario on each, drop them."""
    databases = [Database(backend, p, workdir, args.postgresql) for p in plans]
    measures: list[Measure] = []
    fills: dict[str, Filled] = {}

    def measure(scenario: str, db: Database, server: str, rnd: int = 1, **kw: object) -> None:
        paths = kw.pop("paths")
        assert isinstance(paths, list)
        post = kw.pop("post_uris", None)
        assert post is None or isinstance(post, list)
        base = db.servers[server].base
        figures = load.run(base, paths, post_uris=post, script_dir=db.home, name=scenario)
        measures.append(Measure(scenario, db.name, *figures, round=rnd))
        say(line(measures[-1]))

    try:
        for db in databases:
            fills[db.name] = filled = db.fill()
            say(
                f"{db.name}: filled {filled.comments:,} comments in {filled.threads:,} threads "
                f"in {filled.seconds:.0f} s ({filled.megabytes:,.0f} MiB); largest thread "
                f"{db.largest_size:,} comments"
            )
            warm = db.serve("warm")
            db.serve("cold", YORUM_CACHE_ENABLED="false")
            for path in db.read_paths:
                n = visible(warm.base, path)
                assert n == 100, f"{db.name}: {path} shows {n} comments"
        for rnd in range(1, args.rounds + 1):  # the checked reads: small, large, small, ...
            for db in databases:
                measure("warm", db, "warm", rnd, paths=db.read_paths[:1])
            for db in databases:
                measure("cold", db, "cold", rnd, paths=db.read_paths)
        for scenario in ("counts", "big"):
            for db in databases:
                if scenario == "counts":
                    measure("counts", db, "warm", paths=db.count_paths)
                else:
                    big = thread_path(uri(db.largest, db.plan.read_threads))
                    measure("big", db, "cold", paths=[big])
        for db in databases:
            db.stop("cold")
            measure("post-1", db, "warm", paths=["/api/comments"], post_uris=db.post_uris)
            db.stop("warm")
            db.serve("four", workers=4)
            measure("post-4", db, "four", paths=["/api/comments"], post_uris=db.post_uris)
            db.stop("four")
    finally:
        for db in databases:
            db.drop(args.keep)
    return measures, fills


def environment() -> dict[str, object]:
    """The machine and versions the figures come from."""
    return {
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "when": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the bench; 1 when a large-database p99 is more than ``--max-ratio`` the small."""
    args = parse(argv)
    workdir = args.out or ROOT / "bench" / "results" / (time.strftime("%Y%m%d-%H%M%S") + "-scale")
    workdir.mkdir(parents=True)
    load = Load(args.client, args.duration, args.connections, workdir / "wrk.log")
    plans = [Plan(args.small_comments, args.small_threads, args.read_threads)]
    if not args.small:
        plans.append(Plan(args.comments, args.threads, args.read_threads))
    say(f"results in {workdir}")
    measures: list[Measure] = []
    fills: dict[str, Filled] = {}
    for backend in args.backends.split(","):
        got, filled = run_backend(backend, plans, args, workdir, load)
        measures += got
        fills.update(filled)
    if args.isso != "none":
        got, filled = measure_isso(workdir, load, plans if args.isso == "all" else [], say)
        measures += got
        fills.update(filled)
    checks = (
        check(measures, args.max_ratio, plans[0].label, plans[1].label) if len(plans) > 1 else []
    )
    report = {
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "environment": environment(),
        "fills": {name: asdict(f) for name, f in fills.items()},
        "measures": [asdict(m) for m in measures],
        "checks": checks,
    }
    text = write_report(workdir, report, measures)
    say(text)
    return 0 if all(c["ok"] for c in checks) else 1
