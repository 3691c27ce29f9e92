"""The benchmark driver's parsing, so ``make bench`` keeps reading wrk and py-spy right."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:40123/api/thread?site=default
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.30ms  610.12us  12.40ms   80.00%
    Req/Sec    15.21k   400.00    16.00k    70.00%
  Latency Distribution
     50%  850.00us
     75%    3.40ms
     90%    3.90ms
     99%    1.20s
  152345 requests in 10.00s, 7.71GB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:  15234.50
Transfer/sec:    789.00MB
"""


def bench_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"bench_{name}"] = module
    spec.loader.exec_module(module)
    return module


def test_wrk_output_is_parsed() -> None:
    rps, p50, p99, errors, non2xx, total = bench_module().parse_wrk(WRK_OUTPUT)
    assert rps == 15234.5
    assert math.isclose(p50, 0.85) and math.isclose(p99, 1200.0)
    assert (errors, non2xx, total) == (5, 7, 152345)


def test_profile_stacks_are_summarized(tmp_path: Path) -> None:
    stacks = tmp_path / "post.stacks"
    stacks.write_text(
        "process 1:main;serve (yorum/cli.py:9);render (yorum/render.py:3) 30\n"
        "process 1:main;serve (yorum/cli.py:9);commit "
        "(/v/lib/python3.11/site-packages/sqlalchemy/engine/base.py:5) 10\n"
    )
    summary = bench_module().summarize_stacks(stacks)
    assert summary.startswith("40 samples")
    assert "75.0%  render (yorum/render.py:3)" in summary
    assert "25.0%  commit (sqlalchemy/engine/base.py:5)" in summary
    assert "100.0%  serve (yorum/cli.py)" in summary


def test_the_spam_quality_script_runs_on_a_small_slice(capsys: pytest.CaptureFixture[str]) -> None:
    quality = _load("spam_quality")
    rows = quality.run(60, 3, [0, 10])
    assert [r.decisions for r in rows] == [0, 10]
    for row in rows:
        assert 0.0 <= row.spam_recall <= 1.0 and 0.0 <= row.caught <= 1.0
        assert row.ham_total > 0
    # heuristics alone catch some of the spam before any decision, and hold no genuine one
    assert rows[0].caught > 0.2 and rows[0].ham_spam == 0
    assert quality.main(["--count", "40", "--decisions", "0", "--unseen"]) == 0
    out = capsys.readouterr().out
    assert "| decisions | spam precision |" in out and "templates never decided" in out


def test_the_scale_plan_fills_threads_as_asked() -> None:
    from bench.scale.data import READ_HIDDEN, READ_SIZE, Plan, rows, thread_sizes

    plan = Plan(5000, 300, read_threads=3)
    sizes = thread_sizes(plan)
    assert len(sizes) == 300 and sum(sizes) == 5000 and min(sizes) >= 1
    assert sizes[:3] == [READ_SIZE + READ_HIDDEN] * 3
    assert max(sizes[3:]) > 10 * sorted(sizes[3:])[150]  # skewed: a few big threads
    seen: dict[int, tuple[int, int, str]] = {}  # id -> (thread, depth, status)
    approved = [0, 0, 0, 0]
    for row in rows(plan):
        if row.parent is not None:
            thread, depth, status = seen[row.parent]  # parents come first
            assert thread == row.thread and row.depth == depth + 1 and status == "approved"
        else:
            assert row.depth == 0
        seen[row.id] = (row.thread, row.depth, row.status)
        if row.thread <= 3:
            approved[row.thread] += row.status == "approved"
    assert len(seen) == 5000 and approved[1:] == [READ_SIZE] * 3
    statuses = {status for _, _, status in seen.values()}
    assert statuses == {"approved", "pending", "spam", "deleted"}


def test_the_scale_check_fails_a_large_database_twice_as_slow() -> None:
    from bench.scale.load import Measure
    from bench.scale.report import check

    def m(database: str, scenario: str, p99: float) -> Measure:
        return Measure(scenario, database, 100.0, 1.0, p99, 0, 0, 1000)

    measures = [
        m("sqlite-10k", "warm", 4.0),
        m("sqlite-1m", "warm", 7.9),
        m("sqlite-10k", "cold", 50.0),
        m("sqlite-1m", "cold", 101.0),
    ]
    verdicts = {c["scenario"]: c for c in check(measures, 2.0, "10k", "1m")}
    assert verdicts["warm"]["ok"] is True
    assert verdicts["cold"]["ok"] is False and verdicts["cold"]["ratio"] == 101.0 / 50.0


def test_the_scale_bench_runs_in_a_tiny_mode(tmp_path: Path) -> None:
    """Both sizes, every scenario, Isso, with the Python client, on SQLite."""
    from bench.scale.cli import main

    argv = ["--comments", "500", "--threads", "40", "--small-comments", "300"]
    argv += ["--small-threads", "20", "--read-threads", "2", "--duration", "0.3"]
    argv += ["--connections", "2", "--client", "python", "--max-ratio", "1000", "--rounds", "1"]
    out = tmp_path / "out"
    assert main([*argv, "--backends", "sqlite", "--out", str(out)]) == 0
    report = json.loads((out / "results.json").read_text())
    measured = {(m["database"], m["scenario"]) for m in report["measures"]}
    scenarios = ("warm", "cold", "counts", "big", "post-1", "post-4")
    assert {(f"sqlite-{size}", s) for size in ("300", "500") for s in scenarios} <= measured
    assert {"isso-api", "isso-300", "isso-500"} <= {m["database"] for m in report["measures"]}
    for m in report["measures"]:
        assert m["requests"] > 0 and m["errors"] == 0 and m["non_2xx"] == 0, m
    assert [(c["backend"], c["scenario"]) for c in report["checks"]] == [
        ("sqlite", "warm"),
        ("sqlite", "cold"),
    ]
    assert "| yorum read | Isso read |" in (out / "results.md").read_text()
    assert not list(out.glob("*/yorum.sqlite3"))  # the databases are deleted after


@pytest.mark.skipif(
    not os.environ.get("YORUM_TEST_DATABASE_URL"), reason="YORUM_TEST_DATABASE_URL not set"
)
def test_the_scale_bench_fills_postgresql(tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    from bench.scale.data import READ_SIZE, Plan
    from bench.scale.fill import create_pg_database, drop_pg_database, fill_yorum

    admin = os.environ["YORUM_TEST_DATABASE_URL"]
    name = f"yorum_scale_test_{os.getpid()}"
    url = create_pg_database(admin, name)
    try:
        filled = fill_yorum(url, tmp_path / "data", Plan(400, 30, read_threads=2))
        assert (filled.comments, filled.threads) == (400, 30)
        engine = create_engine(url)
        with engine.connect() as conn:
            total = conn.exec_driver_sql("SELECT count(*) FROM comments").scalar_one()
            shown = conn.exec_driver_sql(
                "SELECT count(*) FROM comments JOIN threads ON threads.id = thread_id "
                "WHERE uri = '/bench/read/1' AND status = 'approved'"
            ).scalar_one()
            next_id = conn.exec_driver_sql(
                "SELECT nextval(pg_get_serial_sequence('comments', 'id'))"
            ).scalar_one()
        engine.dispose()
        assert (total, shown, next_id) == (400, READ_SIZE, 401)
    finally:
        drop_pg_database(admin, name)
