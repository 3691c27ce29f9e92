"""Load benchmarks for yorum, run by ``bench/run.sh`` (``make bench``).

Seeds a thread of 100 comments, then loads yorum (one worker process, or ``--workers N``)
with wrk on 127.0.0.1:

- ``static``: nginx, with as many workers, serving the very bytes of that thread's JSON as a
  file (the machine's ceiling),
- ``asgi``: a bare ASGI app on the same server stack (uvicorn, uvloop, httptools) sending
  the same bytes (the floor of any Python app on that stack),
- ``warm``: the thread read from yorum's page cache,
- ``uncached``: the same read from a second yorum process with the cache switched off,
- ``counts``: comment counts for 10 pages in one request,
- ``post``: comment creation, each request a new comment (durable: SQLite, WAL,
  synchronous=FULL).

Every scenario runs twice (``--rounds``). Results go to ``bench/results/<time>/`` as JSON
and Markdown, and to the terminal. ``--profile`` also samples the server with py-spy during
the first round of each yorum scenario and prints where the time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
YORUM = ROOT / ".venv" / "bin" / "yorum"
THREAD_URI = "/bench/thread"
COUNT_URIS = [f"/bench/page-{i}" for i in range(10)]

_WORDS = (
    "the article makes a fair point about local elections and the budget, though the "
    "figures for schools look low; I checked the council minutes and they say otherwise. "
    "Still, thanks for covering it when nobody else did, and please keep following the "
    "story of the new bridge over the river"
).split()


@dataclass
class Result:
    """One wrk run of one scenario."""

    scenario: str
    round: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    non_2xx: int
    requests: int


PIN: dict[str, list[str]] = {"server": [], "client": []}
"""``taskset`` prefixes keeping servers and wrk on separate cores, when there are enough."""


def pin_cores(workers: int) -> None:
    """Servers on the first ``workers`` cores and wrk on the next, if the machine has them."""
    cpus = os.cpu_count() or 1
    if cpus > workers and shutil.which("taskset"):
        PIN["server"] = ["taskset", "-c", f"0-{workers - 1}"]
        PIN["client"] = ["taskset", "-c", str(workers)]


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def markdown_text(rng: random.Random, n: int) -> str:
    """About 260 characters of Markdown: a sentence or two, emphasis, a link, some code."""
    words = [rng.choice(_WORDS) for _ in range(34)]
    words[3] = f"**{words[3]}**"
    words[9] = f"*{words[9]}*"
    words[15] = f"`{words[15]}`"
    words[21] = f"[source](https://example.org/report/{n})"
    text = " ".join(words).capitalize() + "."
    return text[:250] + f" ({n})"


def http(method: str, url: str, body: object | None = None) -> tuple[int, bytes]:
    """One request with the standard library; returns status and body."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, resp.read()


class Server:
    """A server process on a free port of 127.0.0.1, started by ``start`` and ended by ``stop``."""

    stop_signal = signal.SIGTERM

    def __init__(self, name: str, log: Path) -> None:
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self.log = log.open("w")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, command: list[str], probe: str, env: dict[str, str] | None = None) -> None:
        """Run ``command`` (pinned like every server) and wait until ``probe`` answers."""
        self.proc = subprocess.Popen(
            [*PIN["server"], *command],
            env={**os.environ, **(env or {})},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if http("GET", self.base + probe)[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"{self.name} did not start; see {self.log_path}")

    def peak_rss_mib(self) -> float:
        """The largest peak resident set size (VmHWM) of the server and its workers."""
        assert self.proc is not None
        peaks = []
        pids = [self.proc.pid]
        while pids:
            pid = pids.pop()
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            match = re.search(r"VmHWM:\s+(\d+) kB", status)
            if match:
                peaks.append(int(match.group(1)) / 1024)
            pids += [int(c) for c in children]
        return max(peaks)

    def stop(self) -> None:
        """Stop the server gracefully (or, after 20 s, not) and wait for it."""
        if self.proc is not None:
            self.proc.send_signal(self.stop_signal)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# wrk posts from one address, as fast as it can, solving no challenge
OPEN_GATE = {
    "YORUM_ABUSE_CLIENT_RATE": "",
    "YORUM_ABUSE_THREAD_RATE": "",
    "YORUM_ABUSE_PROOF_OF_WORK": "false",
    "YORUM_ABUSE_MIN_SUBMIT_SECONDS": "0",
}


class Yorum(Server):
    """``yorum serve`` with ``workers`` worker processes."""

    def __init__(self, data_dir: Path, log: Path, workers: int = 1, **env: str) -> None:
        super().__init__("yorum", log)
        command = [str(YORUM), "serve", "--data-dir", str(data_dir), "--port", str(self.port)]
        env = {**OPEN_GATE, **env}
        self.start([*command, "--workers", str(workers)], "/readyz", env)


class BareAsgi(Server):
    """``bench/bare_asgi.py`` on uvicorn, serving ``body`` (the stack's floor)."""

    def __init__(self, body: Path, workers: int, log: Path) -> None:
        super().__init__("the bare ASGI app", log)
        uvicorn = [str(ROOT / ".venv" / "bin" / "uvicorn"), "--app-dir", str(BENCH)]
        options = ["--loop", "uvloop", "--http", "httptools", "--no-access-log"]
        self.start(
            [*uvicorn, "bare_asgi:app", "--port", str(self.port), "--workers", str(workers)]
            + [*options, "--log-level", "warning"],
            "/",
            {"BENCH_BODY": str(body)},
        )


class Nginx(Server):
    """nginx with ``workers`` worker processes serving ``root``."""

    stop_signal = signal.SIGQUIT  # graceful: the master takes its workers along

    def __init__(self, workdir: Path, root: Path, workers: int) -> None:
        super().__init__("nginx", workdir / "nginx-stderr.log")
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        conf = workdir / "nginx.conf"
        conf.write_text(
            f"""daemon off;
worker_processes {workers};
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/nginx-tmp;
    proxy_temp_path {workdir}/nginx-tmp;
    fastcgi_temp_path {workdir}/nginx-tmp;
    uwsgi_temp_path {workdir}/nginx-tmp;
    scgi_temp_path {workdir}/nginx-tmp;
    keepalive_requests 1000000;
    default_type application/json;
    server {{
        listen 127.0.0.1:{self.port};
        root {root};
    }}
}}
"""
        )
        self.start([binary, "-c", str(conf), "-p", str(workdir)], "/thread.json")


def seed(base: str) -> None:
    """A thread of 100 comments (85 top-level, 15 replies) and 10 small threads."""
    rng = random.Random(2026)
    ids: list[int] = []
    for n in range(100):
        parent = ids[rng.randrange(len(ids))] if n % 7 == 6 and ids else None
        body: dict[str, object] = {
            "site": "default",
            "uri": THREAD_URI,
            "title": "A benchmark thread",
            "author": f"Reader {n}",
            "text": markdown_text(rng, n),
        }
        if parent is not None:
            body["parent"] = parent
        status, raw = http("POST", base + "/api/comments", body)
        assert status == 201, raw
        ids.append(json.loads(raw)["comment"]["id"])
    for i, uri in enumerate(COUNT_URIS):
        for n in range(i + 1):
            http("POST", base + "/api/comments", {"site": "default", "uri": uri, "text": f"c{n}"})


def parse_wrk(output: str) -> tuple[float, float, float, int, int, int]:
    """Requests/s, p50 and p99 in ms, socket errors, non-2xx responses, total requests."""

    def ms(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rps, ms("50"), ms("99"), errors, int(non2xx.group(1)) if non2xx else 0, total


def wrk(
    url: str, args: argparse.Namespace, log: Path, script: Path | None = None
) -> tuple[float, float, float, int, int, int]:
    """Run wrk against ``url`` and parse what it prints."""
    cmd = [*PIN["client"], "wrk", "-t1", f"-c{args.connections}", f"-d{args.duration}s"]
    cmd.append("--latency")
    if script:
        cmd += ["-s", str(script)]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    with log.open("a") as f:
        f.write("$ " + " ".join(cmd) + "\n" + out + "\n")
    return parse_wrk(out)


class Profiler:
    """py-spy sampling one process for the length of one wrk run, when asked for."""

    def __init__(self, enabled: bool, workdir: Path) -> None:
        self.binary = str(ROOT / ".venv" / "bin" / "py-spy")
        self.enabled = enabled
        self.workdir = workdir
        if enabled and not Path(self.binary).exists():
            subprocess.run(
                [str(ROOT / ".venv" / "bin" / "python"), "-m", "pip", "install", "-q", "py-spy"],
                check=True,
            )
        self.proc: subprocess.Popen[bytes] | None = None
        self.out: Path | None = None

    def start(self, pid: int, name: str) -> None:
        """Begin sampling ``pid``; the collapsed stacks go to ``<name>.stacks``."""
        if not self.enabled:
            return
        self.out = self.workdir / f"{name}.stacks"
        self.proc = subprocess.Popen(
            [
                self.binary,
                "record",
                "--pid",
                str(pid),
                "--format",
                "raw",
                "--rate",
                "250",
                "--nonblocking",
                "--gil",
                "--output",
                str(self.out),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1)

    def stop(self) -> str:
        """Stop sampling and summarize where the time went."""
        if not self.proc or not self.out:
            return ""
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=30)
        self.proc = None
        return summarize_stacks(self.out)


def summarize_stacks(path: Path, top: int = 18) -> str:
    """The functions with most samples on their own (self) and including callees.

    Frames look like ``render (yorum/render.py:35)``, as py-spy writes them; absolute
    paths are cut back to the package. Totals are per function, whatever the line.
    """
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        frames = [
            _SITE.sub("(", f).replace(f"({ROOT}/", "(")
            for f in stack.split(";")
            if not f.startswith("process ")
        ]
        samples += n
        if frames:
            own[frames[-1]] += n
        for function in {re.sub(r":\d+\)$", ")", f) for f in frames}:
            total[function] += n
    lines = [f"{samples} samples; self time:"]
    lines += [f"  {100 * n / samples:5.1f}%  {f}" for f, n in own.most_common(top)]
    lines.append("including callees (yorum, starlette, uvicorn, sqlalchemy):")
    interesting = re.compile(r"\((?:yorum|starlette|uvicorn|sqlalchemy|markdown_it|nh3)/")
    chosen = [(f, n) for f, n in total.most_common() if interesting.search(f)][:top]
    lines += [f"  {100 * n / samples:5.1f}%  {f}" for f, n in chosen]
    return "\n".join(lines)


_SITE = re.compile(r"\(/\S*/(?:site-packages|python3\.\d+)/")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections")
    parser.add_argument("--rounds", type=int, default=2, help="runs of every scenario")
    parser.add_argument("--workers", type=int, default=1, help="yorum worker processes")
    parser.add_argument("--profile", action="store_true", help="sample yorum with py-spy")
    args = parser.parse_args()

    pin_cores(args.workers)
    workdir = BENCH / "results" / time.strftime("%Y%m%d-%H%M%S")
    (workdir / "nginx-tmp").mkdir(parents=True)
    (workdir / "static").mkdir()
    data = workdir / "data"
    wrk_log = workdir / "wrk.log"
    profiler = Profiler(args.profile, workdir)

    warm = Yorum(data, workdir / "yorum-warm.log", args.workers)
    uncached = nginx = bare = None
    results: list[Result] = []
    profiles: dict[str, str] = {}
    try:
        seed(warm.base)
        thread_path = f"/api/thread?site=default&uri={THREAD_URI}&limit=100"
        thread_body = http("GET", warm.base + thread_path)[1]
        (workdir / "static" / "thread.json").write_bytes(thread_body)
        uncached = Yorum(
            data, workdir / "yorum-uncached.log", args.workers, YORUM_CACHE_ENABLED="false"
        )
        assert http("GET", uncached.base + thread_path)[1] == thread_body
        nginx = Nginx(workdir, workdir / "static", args.workers)
        bare = BareAsgi(workdir / "static" / "thread.json", args.workers, workdir / "asgi.log")
        counts_path = "/api/counts?site=default&" + "&".join(f"uri={u}" for u in COUNT_URIS)

        scenarios: list[tuple[str, str, Yorum | None, Path | None]] = [
            ("static", nginx.base + "/thread.json", None, None),
            ("asgi", bare.base + "/", None, None),
            ("warm", warm.base + thread_path, warm, None),
            ("uncached", uncached.base + thread_path, uncached, None),
            ("counts", warm.base + counts_path, warm, None),
            ("post", warm.base + "/", warm, BENCH / "post.lua"),
        ]
        print(f"thread response: {len(thread_body)} bytes; results in {workdir}", flush=True)
        for rnd in range(1, args.rounds + 1):
            for name, url, server, script in scenarios:
                if rnd == 1 and server is not None and server.proc is not None:
                    profiler.start(server.proc.pid, name)
                rps, p50, p99, errors, non2xx, total = wrk(url, args, wrk_log, script)
                if rnd == 1 and server is not None and args.profile:
                    profiles[name] = profiler.stop()
                result = Result(name, rnd, rps, p50, p99, errors, non2xx, total)
                results.append(result)
                print(
                    f"round {rnd} {name:9} {rps:9.0f} req/s  p50 {p50:7.2f} ms  "
                    f"p99 {p99:7.2f} ms  errors {errors}  non-2xx {non2xx}",
                    flush=True,
                )
        rss = {"warm": warm.peak_rss_mib(), "uncached": uncached.peak_rss_mib()}
        # Every comment the post scenario left, approved or held (near-copies of one
        # text are held by the flood scorer), read from the database itself.
        with sqlite3.connect(data / "yorum.sqlite3") as db:
            (stored,) = db.execute(
                "SELECT count(*) FROM comments JOIN threads ON threads.id = comments.thread_id"
                " WHERE threads.uri LIKE '/bench/posts/%'"
            ).fetchone()
    finally:
        for proc in (bare, nginx, uncached, warm):
            if proc is not None:
                proc.stop()

    posted = sum(r.requests - r.non_2xx for r in results if r.scenario == "post")
    report = {
        "thread_bytes": len(thread_body),
        "args": vars(args),
        "results": [asdict(r) for r in results],
        "peak_rss_mib": rss,
        "posts_acknowledged": posted,
        "posts_stored": stored,
        "profiles": profiles,
    }
    (workdir / "results.json").write_text(json.dumps(report, indent=2))
    write_markdown(workdir / "results.md", report, results)
    print((workdir / "results.md").read_text())
    for name, text in profiles.items():
        print(f"--- where the time goes: {name}\n{text}\n")
    if report["posts_stored"] < posted:  # type: ignore[operator]
        print("ERROR: fewer comments stored than acknowledged", file=sys.stderr)
        return 1
    return 0


def write_markdown(path: Path, report: dict[str, object], results: list[Result]) -> None:
    """The results as a Markdown table, with yorum's warm read as a ratio of nginx's."""
    static = {r.round: r.requests_per_second for r in results if r.scenario == "static"}
    args = report["args"]
    assert isinstance(args, dict)
    lines = [
        f"workers {args['workers']}, wrk -t1 -c{args['connections']} -d{args['duration']}s, "
        f"{os.cpu_count()} CPUs, "
        + (
            f"servers on CPUs {PIN['server'][-1]}, wrk on CPU {PIN['client'][-1]}"
            if PIN["server"]
            else "not pinned"
        ),
        "",
        f"thread response: {report['thread_bytes']} bytes; "
        f"peak RSS (MiB): {report['peak_rss_mib']}; "
        f"posts acknowledged {report['posts_acknowledged']}, stored {report['posts_stored']}",
        "",
        "| round | scenario | req/s | p50 ms | p99 ms | errors | non-2xx | vs nginx |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = r.requests_per_second / static[r.round] if r.round in static else 0
        lines.append(
            f"| {r.round} | {r.scenario} | {r.requests_per_second:.0f} | {r.p50_ms:.2f} | "
            f"{r.p99_ms:.2f} | {r.errors} | {r.non_2xx} | {ratio:.0%} |"
        )
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
