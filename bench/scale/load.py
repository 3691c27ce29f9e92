"""Servers and load for the scale bench: ``yorum serve``, Isso, and wrk (or a small
Python client when wrk is missing, as in the test suite).

Servers and wrk are the ones of ``bench/run.py``: a process on a free port of 127.0.0.1,
stopped by its PID; wrk with ``-t1 --latency`` and a Lua script when requests vary (a
list of paths taken in turn, or a new comment per request).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.run import OPEN_GATE, PIN, Server, parse_wrk

ROOT = Path(__file__).resolve().parents[2]
YORUM = ROOT / ".venv" / "bin" / "yorum"
ISSO = ROOT / ".venv" / "bin" / "isso"
POST_TEXT = (
    "A reader writes about the article: the argument holds, but the numbers in the third "
    "paragraph deserve a source. See *the report* and `the appendix`; I would add that the "
    "same happened in [2019](https://example.org/2019)."
)


@dataclass
class Measure:
    """One load run of one scenario against one server."""

    scenario: str
    database: str  # e.g. sqlite-1m, postgresql-10k, isso-100
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    non_2xx: int
    requests: int
    round: int = 1


def pin(workers: int) -> None:
    """One-process servers on CPU 0 and the load on CPU 1; nothing pinned otherwise."""
    two = (os.cpu_count() or 1) >= 2 and shutil.which("taskset") is not None
    PIN["server"] = ["taskset", "-c", "0"] if two and workers == 1 else []
    PIN["client"] = ["taskset", "-c", "1"] if two and workers == 1 else []


class Yorum(Server):
    """``yorum serve`` on ``database_url`` with its data directory (the install's keys)."""

    def __init__(
        self, database_url: str, data_dir: Path, log: Path, workers: int = 1, **env: str
    ) -> None:
        super().__init__("yorum", log)
        pin(workers)
        command = [str(YORUM), "serve", "--data-dir", str(data_dir), "--port", str(self.port)]
        env = {"YORUM_DATABASE_URL": database_url, **OPEN_GATE, **env}
        self.start([*command, "--workers", str(workers)], "/readyz", env)


class Isso(Server):
    """Isso's own server (``isso -c CONF run``: werkzeug, one process, a thread per request)."""

    def __init__(self, conf: Path, port: int, log: Path) -> None:
        super().__init__("isso", log)
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        pin(1)
        self.start([str(ISSO), "-c", str(conf), "run"], "/info")


def paths_script(path: Path, paths: list[str]) -> Path:
    """A wrk script asking for ``paths`` in turn."""
    listed = ",\n".join(json.dumps(p) for p in paths)
    path.write_text(
        "-- wrk script: GET these paths in turn.\n"
        f"local paths = {{\n{listed}\n}}\nlocal n = 0\n"
        "function request()\n  n = n % #paths + 1\n"
        '  return wrk.format("GET", paths[n])\nend\n'
    )
    return path


def post_script(path: Path, uris: list[str]) -> Path:
    """A wrk script posting a new comment per request, to these pages in turn."""
    listed = ",\n".join(json.dumps(u) for u in uris)
    path.write_text(
        f"""-- wrk script: POST a new, unique comment per request, to existing pages in turn.
local uris = {{
{listed}
}}
local counter = 0
local thread_id = 0
function setup(thread)
    thread_id = thread_id + 1
    thread:set("tid", thread_id)
end
function init(args)
    math.randomseed(os.time() + (tid or 0))
    prefix = string.format("w%d-%d", tid or 0, math.random(1, 1000000000))
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
function request()
    counter = counter + 1
    local body = string.format(
        '{{"site":"default","uri":"%s","author":"Reader %d","text":"%s (%s-%d)"}}',
        uris[counter % #uris + 1], counter % 1000, {json.dumps(POST_TEXT)}, prefix, counter)
    return wrk.format(nil, "/api/comments", nil, body)
end
"""
    )
    return path


class Load:
    """Runs one scenario for ``duration`` seconds over ``connections`` connections."""

    def __init__(self, client: str, duration: float, connections: int, log: Path) -> None:
        self.client, self.duration, self.connections, self.log = (
            client,
            duration,
            connections,
            log,
        )

    def run(
        self,
        base: str,
        paths: list[str],
        *,
        post_uris: list[str] | None = None,
        script_dir: Path,
        name: str,
    ) -> tuple[float, float, float, int, int, int]:
        """Requests/s, p50 and p99 in ms, socket errors, non-2xx answers, requests."""
        if self.client == "python":
            return self._python(base, paths, post_uris)
        if post_uris is not None:
            script = post_script(script_dir / f"{name}.lua", post_uris)
        else:
            script = paths_script(script_dir / f"{name}.lua", paths)
        seconds = max(1, round(self.duration))
        cmd = [*PIN["client"], "wrk", "-t1", f"-c{self.connections}", f"-d{seconds}s"]
        cmd += ["--timeout", "30s", "--latency", "-s", str(script), base + paths[0]]
        import subprocess

        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        with self.log.open("a") as f:
            f.write(f"# {name}\n$ " + " ".join(cmd) + "\n" + out + "\n")
        return parse_wrk(out)

    def _python(
        self, base: str, paths: list[str], post_uris: list[str] | None
    ) -> tuple[float, float, float, int, int, int]:
        """The same measure with keep-alive connections in threads (slow, but no wrk)."""
        host, port = base.removeprefix("http://").split(":")
        latencies: list[float] = []
        failures = [0, 0]  # socket errors, non-2xx
        lock = threading.Lock()
        deadline = time.monotonic() + self.duration
        counter = iter(range(sys.maxsize))
        run = f"{time.time_ns():x}"  # each run's texts differ from the last run's

        def worker() -> None:
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            while time.monotonic() < deadline:
                n = next(counter)
                began = time.perf_counter()
                try:
                    if post_uris is not None:
                        body = json.dumps(
                            {
                                "site": "default",
                                "uri": post_uris[n % len(post_uris)],
                                "author": f"Reader {n}",
                                "text": f"{POST_TEXT} ({run}-{n})",
                            }
                        )
                        headers = {"Content-Type": "application/json"}
                        conn.request("POST", "/api/comments", body, headers)
                    else:
                        conn.request("GET", paths[n % len(paths)])
                    response = conn.getresponse()
                    response.read()
                    bad = not 200 <= response.status < 400
                except OSError:
                    conn.close()
                    conn = http.client.HTTPConnection(host, int(port), timeout=30)
                    with lock:
                        failures[0] += 1
                    continue
                with lock:
                    latencies.append((time.perf_counter() - began) * 1000)
                    failures[1] += bad
            conn.close()

        started = time.perf_counter()
        workers = [threading.Thread(target=worker) for _ in range(self.connections)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        elapsed = time.perf_counter() - started
        if len(latencies) < 2:
            return 0.0, float("nan"), float("nan"), failures[0], failures[1], len(latencies)
        cuts = statistics.quantiles(latencies, n=100)
        rps = len(latencies) / elapsed
        return rps, cuts[49], cuts[98], failures[0], failures[1], len(latencies)
