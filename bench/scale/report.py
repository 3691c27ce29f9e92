"""The scale bench's verdict and report: p99 of the large database against the small one,
yorum against Isso, written as ``results.json`` and ``results.md``."""

from __future__ import annotations

import json
import math
from pathlib import Path

from bench.scale.load import Measure

CHECKED = ("warm", "cold")


def check(
    measures: list[Measure], max_ratio: float, small: str, large: str
) -> list[dict[str, object]]:
    """For every backend and checked scenario: the large database's p99 over the small
    one's (the best round of each), and whether it is at most ``max_ratio``."""
    by = best(measures)
    backends = sorted({m.database.rsplit("-", 1)[0] for m in measures if m.scenario == "warm"})
    verdicts: list[dict[str, object]] = []
    for backend in backends:
        for scenario in CHECKED:
            a = by.get((f"{backend}-{small}", scenario))
            b = by.get((f"{backend}-{large}", scenario))
            if a is None or b is None:
                continue
            ratio = b.p99_ms / a.p99_ms if a.p99_ms > 0 else math.inf
            verdicts.append(
                {
                    "backend": backend,
                    "scenario": scenario,
                    "small_p99_ms": a.p99_ms,
                    "large_p99_ms": b.p99_ms,
                    "ratio": ratio,
                    "ok": ratio <= max_ratio and b.errors == 0 and b.non_2xx == 0,
                }
            )
    return verdicts


def best(measures: list[Measure]) -> dict[tuple[str, str], Measure]:
    """Per database and scenario, the round with the lowest p99."""
    chosen: dict[tuple[str, str], Measure] = {}
    for m in measures:
        key = (m.database, m.scenario)
        if key not in chosen or m.p99_ms < chosen[key].p99_ms:
            chosen[key] = m
    return chosen


def isso_ratios(measures: list[Measure]) -> list[dict[str, object]]:
    """yorum's thread reads (req/s) over Isso's, each database against Isso's thread."""
    isso = {m.database: m for m in measures if m.scenario.startswith("isso")}
    rows: list[dict[str, object]] = []
    for m in best(measures).values():
        if m.scenario not in CHECKED:
            continue
        size = m.database.rsplit("-", 1)[1]
        for name in ("isso-api", f"isso-{size}"):
            other = isso.get(name)
            if other is not None and other.requests_per_second > 0:
                rows.append(
                    {
                        "yorum": f"{m.database} {m.scenario}",
                        "isso": name,
                        "yorum_rps": m.requests_per_second,
                        "isso_rps": other.requests_per_second,
                        "ratio": m.requests_per_second / other.requests_per_second,
                    }
                )
    return rows


def write_report(workdir: Path, report: dict[str, object], measures: list[Measure]) -> str:
    """Write ``results.json`` and ``results.md``; return the Markdown."""
    report["isso_ratios"] = ratios = isso_ratios(measures)
    (workdir / "results.json").write_text(json.dumps(report, indent=2))
    args, env = report["args"], report["environment"]
    assert isinstance(args, dict) and isinstance(env, dict)
    fills = report["fills"]
    checks = report["checks"]
    assert isinstance(fills, dict) and isinstance(checks, list)
    lines = [
        f"{env['when']}; {env['cpus']} CPUs, load average {env['load_average'][0]:.2f}; "
        f"Python {env['python']}, SQLite {env['sqlite']}; load: {args['client']} "
        f"-c{args['connections']} for {args['duration']} s per scenario",
        "",
        "| database | comments | threads | fill s | MiB |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, f in fills.items():
        lines.append(
            f"| {name} | {f['comments']:,} | {f['threads']:,} | {f['seconds']:.0f} | "
            f"{f['megabytes']:,.0f} |"
        )
    lines += [
        "",
        "| database | scenario | round | req/s | p50 ms | p99 ms | errors | non-2xx | requests |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in measures:
        lines.append(
            f"| {m.database} | {m.scenario} | {m.round} | {m.requests_per_second:,.1f} | "
            f"{m.p50_ms:.2f} | {m.p99_ms:.2f} | {m.errors} | {m.non_2xx} | {m.requests:,} |"
        )
    if checks:
        lines += [
            "",
            f"Thread read p99, large database over small, best round of each "
            f"(allowed: {args['max_ratio']}x):",
            "",
            "| backend | read | small p99 ms | large p99 ms | ratio | ok |",
            "|---|---|---:|---:|---:|---|",
        ]
        for c in checks:
            lines.append(
                f"| {c['backend']} | {c['scenario']} | {c['small_p99_ms']:.2f} | "
                f"{c['large_p99_ms']:.2f} | {c['ratio']:.2f} | {'yes' if c['ok'] else 'NO'} |"
            )
    if ratios:
        lines += ["", "| yorum read | Isso read | yorum req/s | Isso req/s | yorum/Isso |"]
        lines.append("|---|---|---:|---:|---:|")
        for r in ratios:
            lines.append(
                f"| {r['yorum']} | {r['isso']} | {r['yorum_rps']:,.0f} | {r['isso_rps']:,.1f} | "
                f"{r['ratio']:,.0f}x |"
            )
    text = "\n".join(lines) + "\n"
    (workdir / "results.md").write_text(text)
    return text
