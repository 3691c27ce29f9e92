"""How fast, and in how little memory, yorum exports a site and its importers parse files.

    .venv/bin/python bench/formats.py --comments 200000 --threads 4000

Builds a SQLite site of generated comments, then runs each step in a fresh process and
prints its wall time, rate and peak memory (the process's resident high-water mark,
Linux only):
``yorum export`` to JSON and to WXR, the ``yorum`` importer reading that JSON back, and
the ``remark42`` and ``commento`` importers reading generated files of the same size.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STEP = """
import sys, time
from pathlib import Path
kind, work, target = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
start = time.perf_counter()
count = 0
if kind == "export":
    from yorum.export import Exporter
    from yorum.storage import Store
    store = Store.open(f"sqlite:///{work / 'yorum.sqlite3'}")
    exporter = Exporter(store, "https://blog.example.org")
    with open(work / f"export.{target}", "wb") as out:
        count = (exporter.json if target == "json" else exporter.wxr)("blog", out).comments
else:
    from yorum.importers import load
    with open(work / target, "rb") as source:
        count = sum(1 for _ in load(kind).parse(source))
seconds = time.perf_counter() - start
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent.
status = Path("/proc/self/status").read_text()
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(f"{count} {seconds:.3f} {peak:.1f}")
"""


def build_site(work: Path, comments: int, threads: int) -> None:
    """A site ``blog`` with ``comments`` comments over ``threads`` threads, a third replies."""
    from yorum.storage import Store, migrate
    from yorum.storage.tables import comments as comment_table
    from yorum.storage.tables import sites
    from yorum.storage.tables import threads as thread_table

    store = Store.open(f"sqlite:///{work / 'yorum.sqlite3'}")
    migrate.upgrade(store)
    with store.write() as tx:
        tx.execute(sites.insert().values(id="blog", name="Blog", origins='["*"]',
                                         language="en", policy="open", created_at=0.0))  # fmt: skip
        tx.execute(thread_table.insert(), [
            {"site_id": "blog", "uri": f"/posts/{t}/", "title": f"Post {t}", "locked": False,
             "created_at": 1.7e9 + t, "version": 0} for t in range(threads)
        ])  # fmt: skip
        rows = []
        for i in range(comments):
            reply = i % 3 == 2
            rows.append({
                "thread_id": i % threads + 1, "parent_id": i - 1 if reply else None,
                "depth": 1 if reply else 0, "author": f"Reader {i % 977}",
                "email": f"r{i % 977}@example.org", "website": "",
                "text_raw": f"Comment {i}: çok **güzel** bir yazı, thanks & <b>more</b>",
                "text_html": f"<p>Comment {i}: çok <strong>güzel</strong> bir yazı</p>",
                "status": "approved", "created_at": 1.7e9 + i, "edited_at": None,
                "ip_hash": f"{i % 5000:032x}", "likes": i % 4, "dislikes": i % 2,
            })  # fmt: skip
            if len(rows) == 10000:
                tx.execute(comment_table.insert(), rows)
                rows = []
        if rows:
            tx.execute(comment_table.insert(), rows)
    store.close()


def write_sources(work: Path, comments: int, threads: int) -> None:
    """A Remark42 backup (gzip) and a Commento export of ``comments`` comments."""
    with gzip.open(work / "remark42.gz", "wt", encoding="utf-8") as out:
        out.write(json.dumps({"version": 1, "users": [], "posts": []}) + "\n")
        for i in range(comments):
            out.write(json.dumps({
                "id": f"c{i}", "pid": f"c{i - 1}" if i % 3 == 2 else "",
                "text": f"<p>Comment {i}: çok <strong>güzel</strong></p>",
                "orig": f"Comment {i}: çok **güzel**", "user": {"name": f"R{i % 977}", "id": "x"},
                "locator": {"site": "blog", "url": f"https://blog.example.org/{i % threads}/"},
                "score": 1, "time": "2024-01-01T10:00:00.123456789Z",
            }, ensure_ascii=False) + "\n")  # fmt: skip
    with (work / "commento.json").open("w", encoding="utf-8") as out:
        out.write('{"version": 1, "comments": [\n')
        for i in range(comments):
            out.write(("," if i else "") + json.dumps({
                "commentHex": f"{i:064x}", "url": f"/{i % threads}/",
                "commenterHex": f"u{i % 977}", "markdown": f"Comment {i}: çok **güzel**",
                "parentHex": f"{i - 1:064x}" if i % 3 == 2 else "root", "score": 1,
                "state": "approved", "creationDate": "2024-01-01T10:00:00.061525Z",
            }, ensure_ascii=False) + "\n")  # fmt: skip
        out.write('], "commenters": [\n')
        out.write(",\n".join(
            json.dumps({"commenterHex": f"u{u}", "name": f"R{u}", "email": f"r{u}@example.org",
                        "link": "undefined"}) for u in range(977)
        ))  # fmt: skip
        out.write("\n]}\n")


def run_step(work: Path, kind: str, target: str) -> tuple[int, float, float]:
    out = subprocess.run(
        [sys.executable, "-c", STEP, kind, str(work), target],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    count, seconds, peak = out.stdout.split()
    return int(count), float(seconds), float(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--threads", type=int, default=4_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="yorum-bench-") as name:
        work = Path(name)
        start = time.perf_counter()
        build_site(work, args.comments, args.threads)
        write_sources(work, args.comments, args.threads)
        print(f"generated in {time.perf_counter() - start:.1f} s; "
              f"{args.comments:,} comments in {args.threads:,} threads\n")  # fmt: skip
        print("| step | comments | seconds | comments/s | peak memory (MiB) | file (MB) |")
        print("|---|---:|---:|---:|---:|---:|")
        steps = [
            ("export", "json", "export.json"),
            ("export", "wxr", "export.wxr"),
            ("yorum", "export.json", "export.json"),
            ("remark42", "remark42.gz", "remark42.gz"),
            ("commento", "commento.json", "commento.json"),
        ]
        for kind, target, file in steps:
            count, seconds, peak = run_step(work, kind, target)
            size = (work / file).stat().st_size / 1e6
            label = f"export --format {target}" if kind == "export" else f"import {kind}"
            print(f"| {label} | {count:,} | {seconds:.1f} | {count / seconds:,.0f} | "
                  f"{peak:.0f} | {size:.1f} |")  # fmt: skip
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n(the generating process itself peaked at {own:.0f} MiB)")


if __name__ == "__main__":
    main()
