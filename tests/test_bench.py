"""The benchmark driver's parsing, so ``make bench`` keeps reading wrk and py-spy right."""

from __future__ import annotations

import importlib.util
import math
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
