"""How long ``yorum import disqus`` takes, and how much memory it needs, on a big export.

Generates a Disqus export of COMMENTS posts in THREADS threads (in a child process, so its
memory is not counted), then imports it into a fresh SQLite database in this process
through the same code ``yorum import`` runs, and prints the wall time, the rate and the
peak resident memory (``resource.getrusage``) of this process and of the largest of its
child processes (the one that reads the file, and those that render)::

    .venv/bin/python bench/import_disqus.py --comments 1000000 --threads 20000

The export looks like a real one: threads first, then posts in time order across threads;
about a third are replies (a few of them listed before their parent), 1% deleted, 1% spam;
messages of one to three paragraphs, a quarter of them with a link, emphasis, a quote or a
line break.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

WORDS = (
    "the a comment article really think agree point about this that with good post "
    "interesting however would could read again thanks great question answer example "
    "problem solution idea yes no maybe always never people time year work world "
    "çok güzel bir yazı teşekkürler résumé naïve straße"
).split()


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 18))
    return " ".join(words).capitalize() + rng.choice(".!?")


def _message(rng: random.Random) -> str:
    """One to three paragraphs; a quarter of messages have a link, emphasis, a quote or a
    line break in one of them (what yorum then renders with its full Markdown pipeline)."""
    paragraphs = [
        escape(" ".join(_sentence(rng) for _ in range(rng.randint(1, 3))))
        for _ in range(rng.choice((1, 1, 2, 3)))
    ]
    which = rng.randrange(len(paragraphs))
    roll = rng.random()
    if roll < 0.10:
        paragraphs[which] += (
            f' See <a href="https://example.org/ref/{rng.randint(1, 999)}">this</a>.'
        )
    elif roll < 0.15:
        paragraphs[which] = "<b>" + paragraphs[which] + "</b>"
    elif roll < 0.20:
        paragraphs[which] = "<blockquote>" + paragraphs[which] + "</blockquote>"
    elif roll < 0.25:
        paragraphs[which] = paragraphs[which].replace(". ", ".<br>", 1)
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def generate(path: Path, comments: int, threads: int, seed: int = 1) -> None:
    """Write a Disqus export of ``comments`` posts in ``threads`` threads to ``path``."""
    rng = random.Random(seed)
    start = 1_400_000_000
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<disqus xmlns="http://disqus.com" '
            'xmlns:dsq="http://disqus.com/disqus-internals">\n'
        )
        for t in range(threads):
            out.write(
                f'<thread dsq:id="{t + 1}"><link>https://blog.example.org/{t + 1}/post/</link>'
                f"<title>Post number {t + 1}</title><createdAt>2014-05-13T12:00:00Z</createdAt>"
                "<isDeleted>false</isDeleted></thread>\n"
            )
        recent: dict[int, list[int]] = {}  # thread -> its latest few post ids
        held: list[str] = []  # replies written out after their parent's successor
        for n in range(comments):
            post_id = 10_000_000 + n
            thread = rng.randrange(threads) + 1
            earlier = recent.setdefault(thread, [])
            parent = rng.choice(earlier) if earlier and rng.random() < 0.35 else None
            earlier.append(post_id)
            del earlier[:-8]
            moment = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + n * 60))
            roll = rng.random()
            deleted, spam = roll < 0.01, 0.01 <= roll < 0.02
            post = (
                f'<post dsq:id="{post_id}"><id/><message><![CDATA[{_message(rng)}]]></message>'
                f"<createdAt>{moment}</createdAt>"
                f"<isDeleted>{str(deleted).lower()}</isDeleted>"
                f"<isSpam>{str(spam).lower()}</isSpam>"
                f"<author><email>reader{rng.randrange(50_000)}@example.net</email>"
                f"<name>Reader {rng.randrange(50_000)}</name><isAnonymous>false</isAnonymous>"
                "</author>"
                f"<ipAddress>192.0.2.{rng.randrange(1, 255)}</ipAddress>"
                f'<thread dsq:id="{thread}"/>'
                + (f'<parent dsq:id="{parent}"/>' if parent else "")
                + "</post>\n"
            )
            if parent and rng.random() < 0.002:
                held.append(post)  # a parent's reply that the export lists much later
            else:
                out.write(post)
            if len(held) > 50:
                out.writelines(held)
                held.clear()
        out.writelines(held)
        out.write("</disqus>\n")


def run(comments: int, threads: int, workdir: Path) -> dict[str, float | bool]:
    """Generate (in a child process), import, and return the figures."""
    from yorum.importers import load
    from yorum.remap import Remap
    from yorum.services import build
    from yorum.settings import Settings, with_overrides

    export = workdir / "disqus.xml"
    subprocess.run(
        [sys.executable, __file__, "--generate", str(export), "--comments", str(comments),
         "--threads", str(threads)],
        check=True,
    )  # fmt: skip
    settings = with_overrides(
        Settings(),
        server={"data_dir": str(workdir / "data")},
        database={"url": f"sqlite:///{workdir / 'yorum.sqlite3'}"},
    )
    services = build(settings)
    site = services.sites.ensure_default()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    generator = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    with export.open("rb") as source:
        report = services.imports.run(
            site.id,
            load("disqus").parse(source),
            source="disqus",
            remap=Remap(),
            dry_run=False,
        )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    services.close()  # the reader and render workers are gone, so their peaks are counted:
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if report.broken or report.read != comments:
        raise SystemExit("\n".join(report.lines()))
    return {
        "comments": comments,
        "threads": threads,
        "imported": report.imported,
        "seconds": seconds,
        "per_second": comments / seconds,
        "peak_rss_mib": peak / 1024,
        "rss_before_mib": before / 1024,
        "file_mib": export.stat().st_size / 2**20,
        # The largest child's peak: the reader's or a render worker's, unless the
        # generator's was larger (then it is a bound).
        "workers_mib": children / 1024,
        "workers_bound": children <= generator,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=20_000)
    parser.add_argument("--generate", metavar="PATH", help="only write the export to PATH")
    args = parser.parse_args()
    if args.generate:
        generate(Path(args.generate), args.comments, args.threads)
        return
    with tempfile.TemporaryDirectory() as tmp:
        figures = run(args.comments, args.threads, Path(tmp))
    print(
        f"{figures['comments']:,.0f} comments in {figures['threads']:,.0f} threads "
        f"({figures['file_mib']:.0f} MiB of XML): imported {figures['imported']:,.0f} in "
        f"{figures['seconds']:.1f} s ({figures['per_second']:,.0f}/s), "
        f"peak RSS {figures['peak_rss_mib']:.0f} MiB "
        f"({figures['rss_before_mib']:.0f} MiB before the import; largest child process "
        f"{'≤' if figures['workers_bound'] else ''}{figures['workers_mib']:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
