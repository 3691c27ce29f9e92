"""How well yorum's spam scorers sort a labelled set of comments, and how that improves as
moderators decide.

The set (``bench/spam_data.py``) is split in two: a stream of comments that are posted
and then decided by a "moderator" who knows the labels (approve the genuine ones, mark the
spam), and a held-out test set that is only scored. After 0, 10, 50 and 200 decisions the
test set is scored with the default scorers and the default thresholds, and the script
prints, as a Markdown table:

- precision and recall of the spam zone (score >= ``spam_score``),
- the share of spam caught at all (held or spam),
- false positives: genuine comments held, and genuine comments put in spam.

Run: ``.venv/bin/python bench/spam_quality.py`` (``--count 120 --decisions 0,10`` for a
quick look). Everything runs in a temporary SQLite database.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.spam_data import Sample, samples  # noqa: E402
from yorum.errors import YorumError  # noqa: E402
from yorum.models import ClientInfo, NewComment, Status  # noqa: E402
from yorum.moderation.queue import Action  # noqa: E402
from yorum.moderation.scoring import ModerationContext  # noqa: E402
from yorum.services import Services, build  # noqa: E402
from yorum.settings import Settings, with_overrides  # noqa: E402


class Clock:
    """Time that moves only when the script says so."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Row:
    """The measurements after some number of decisions."""

    decisions: int
    spam_precision: float | None  # None: nothing was put in spam
    spam_recall: float
    caught: float
    ham_held: int
    ham_spam: int
    ham_total: int
    ms_per_comment: float


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def evaluate(services: Services, test: list[Sample], clock: Clock, decisions: int) -> Row:
    """Score each test comment without storing it."""
    site = services.sites.get("default")
    tp = fp = caught = ham_held = ham_spam = 0
    spam_total = sum(1 for s in test if s.spam)
    started = time.perf_counter()
    for i, sample in enumerate(test):
        new = NewComment("default", f"/test/{i}", sample.text, sample.author, sample.email)
        ctx = ModerationContext(site, f"test-{i}", clock())
        try:
            status = services.comments.pipeline.run(new, ctx).status
        except YorumError:
            status = Status.SPAM  # refused outright
        if status is Status.SPAM:
            tp += sample.spam
            fp += not sample.spam
        if status is not Status.APPROVED:
            caught += sample.spam
        if not sample.spam:
            ham_held += status is Status.PENDING
            ham_spam += status is Status.SPAM
    elapsed = time.perf_counter() - started
    return Row(
        decisions=decisions,
        spam_precision=tp / (tp + fp) if tp + fp else None,
        spam_recall=_ratio(tp, spam_total),
        caught=_ratio(caught, spam_total),
        ham_held=ham_held,
        ham_spam=ham_spam,
        ham_total=len(test) - spam_total,
        ms_per_comment=1000 * elapsed / max(len(test), 1),
    )


def decide(services: Services, stream: list[Sample], clock: Clock, start: int, end: int) -> None:
    """Post stream comments ``start:end`` and let the moderator decide each."""
    for i in range(start, end):
        sample = stream[i]
        clock.now += 120
        new = NewComment("default", f"/post/{i % 17}", sample.text, sample.author, sample.email)
        try:
            posted = services.comments.post(new, ClientInfo(f"10.{i // 250}.{i % 250}.1"))
        except YorumError:
            continue
        action = Action.SPAM if sample.spam else Action.APPROVE
        services.moderation.act(action, [posted.comment.id], actor="bench")


def run(
    count: int, seed: int, checkpoints: list[int], scorers: str = "", unseen: bool = False
) -> list[Row]:
    """The measurements at each checkpoint, on a fresh temporary database.

    ``unseen``: every fourth template is kept out of the decided stream and only those
    are tested, so the filter is judged on kinds of comment it never learned.
    """
    data = samples(count, seed)
    half = len(data) // 2
    stream, test = data[:half], data[half:]
    if unseen:
        stream = [s for s in stream if s.template % 4]
        test = [s for s in data[half:] if s.template % 4 == 0]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = with_overrides(
            Settings(),
            server={"data_dir": str(Path(tmp) / "data")},
            # The gate is not what is measured here: no rate limits or proof of work.
            abuse={"client_rate": "", "thread_rate": "", "proof_of_work": False},
            moderation={"scorers": scorers or Settings().moderation.scorers},
        )
        clock = Clock()
        services = build(settings, clock=clock)
        try:
            services.sites.ensure_default()
            done = 0
            for n in sorted(checkpoints):
                target = min(n, len(stream))
                decide(services, stream, clock, done, target)
                done = target
                rows.append(evaluate(services, test, clock, n))
        finally:
            services.close()
    return rows


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| decisions | spam precision | spam recall | spam caught (held or spam) "
        "| genuine held | genuine in spam | ms/comment |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        precision = "n/a" if r.spam_precision is None else f"{r.spam_precision:.1%}"
        lines.append(
            f"| {r.decisions} | {precision} | {r.spam_recall:.1%} | {r.caught:.1%} "
            f"| {r.ham_held}/{r.ham_total} | {r.ham_spam}/{r.ham_total} "
            f"| {r.ms_per_comment:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=800, help="comments in the set")
    parser.add_argument("--seed", type=int, default=7, help="seed of the generator")
    parser.add_argument("--decisions", default="0,10,50,200", help="checkpoints")
    parser.add_argument("--scorers", default="", help="scorers to run (default: the default)")
    parser.add_argument(
        "--unseen", action="store_true", help="test only on templates never decided"
    )
    args = parser.parse_args(argv)
    checkpoints = [int(x) for x in args.decisions.split(",") if x.strip()]
    rows = run(args.count, args.seed, checkpoints, args.scorers, args.unseen)
    scorers = args.scorers or Settings().moderation.scorers
    held_out = "templates never decided" if args.unseen else "the other half"
    print(
        f"{args.count} comments (seed {args.seed}), scorers {scorers}: "
        f"half decided in order, tested on {held_out}\n"
    )
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
