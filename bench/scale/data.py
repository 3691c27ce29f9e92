"""What the scale bench stores: thread sizes, comment texts and the stream of comments.

The same plan and seed give the same comments, in the same order, whichever database
they are written to (yorum on SQLite, yorum on PostgreSQL, or Isso's own SQLite file).

- Thread sizes follow a log-normal law (most threads hold a few comments, a few hold
  hundreds or thousands), scaled so that they add up to the number asked for.
- ``read_threads`` threads (``/bench/read/<k>``) hold exactly ``READ_SIZE`` approved
  comments and ``READ_HIDDEN`` held or spam ones: the threads the read scenarios fetch.
- Comments arrive in time order across all threads, so a thread's rows are scattered over
  the table as in a real database; about a third are replies to a recent comment of their
  thread (so replies nest), and some are held, spam, or deleted (blanked placeholders).
- Texts come from a pool of Markdown comments rendered once by yorum's own renderer
  (``yorum.render.render``): the stored HTML is what yorum would have written.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

READ_SIZE = 100
"""Visible comments in each thread the read scenarios fetch."""
READ_HIDDEN = 6
"""Held and spam comments in each of those threads besides (not shown to readers)."""
MAX_THREAD = 10_000
"""No thread grows past this many comments."""
MAX_DEPTH = 16
"""yorum's default ``comments.max_depth``."""
START = 1_600_000_000.0
"""The first comment's time; the last one comes about five years later."""
SPAN = 5 * 365 * 86400.0

WORDS = (
    "the a comment article really think agree point about this that with good post "
    "interesting however would could read again thanks great question answer example "
    "problem solution idea yes no maybe always never people time year work world council "
    "budget schools bridge river election figures source minutes report story "
    "çok güzel bir yazı teşekkürler résumé naïve straße"
).split()


@dataclass(frozen=True)
class Plan:
    """How big a database to fill, and from which seed."""

    comments: int
    threads: int
    read_threads: int = 20
    seed: int = 2026

    def __post_init__(self) -> None:
        fixed = self.read_threads * (READ_SIZE + READ_HIDDEN)
        if self.threads <= self.read_threads:
            raise ValueError("need more threads than read threads")
        if self.comments < fixed + (self.threads - self.read_threads):
            raise ValueError(
                f"{self.comments} comments do not fill {self.read_threads} read threads of "
                f"{READ_SIZE + READ_HIDDEN} and one comment in each other thread"
            )

    @property
    def label(self) -> str:
        """``1m`` for a million comments, ``10k`` for ten thousand, else the number."""
        n = self.comments
        if n % 1_000_000 == 0:
            return f"{n // 1_000_000}m"
        if n % 1000 == 0:
            return f"{n // 1000}k"
        return str(n)


class Row(NamedTuple):
    """One comment, in the terms both yorum and Isso store."""

    id: int  # 1, 2, ... in time order
    thread: int  # 1-based thread id
    parent: int | None
    depth: int
    text: int  # index into the text pool; -1: a deleted placeholder (no text)
    status: str  # approved, pending, spam or deleted
    created_at: float
    author: int  # index into the commenters
    likes: int


def uri(thread: int, read_threads: int) -> str:
    """The page of thread ``thread`` (1-based): read threads first."""
    if thread <= read_threads:
        return f"/bench/read/{thread - 1}"
    return f"/scale/{thread}"


def thread_sizes(plan: Plan) -> list[int]:
    """Comments per thread (index 0 is thread 1), adding up to ``plan.comments``."""
    rng = random.Random(plan.seed)
    fixed = [READ_SIZE + READ_HIDDEN] * plan.read_threads
    others = plan.threads - plan.read_threads
    total = plan.comments - sum(fixed)
    # Log-normal, median about 3 and mean about 10 before scaling; the tail reaches the
    # thousands for a hundred thousand threads.
    weights = [rng.lognormvariate(1.0, 1.6) for _ in range(others)]
    spare = total - others  # every thread has at least one
    scale = spare / sum(weights)
    sizes = [1 + min(MAX_THREAD - 1, int(w * scale)) for w in weights]
    missing = total - sum(sizes)
    while missing:
        i = rng.randrange(others)
        step = 1 if missing > 0 else -1
        if 1 <= sizes[i] + step <= MAX_THREAD:
            sizes[i] += step
            missing -= step
    return fixed + sizes


def texts(rng: random.Random, n: int) -> list[str]:
    """``n`` Markdown comments of one to three paragraphs; a third with markup."""
    pool = []
    for k in range(n):
        paragraphs = [
            " ".join(
                " ".join(rng.choices(WORDS, k=rng.randint(5, 16))).capitalize() + rng.choice(".!?")
                for _ in range(rng.randint(1, 3))
            )
            for _ in range(rng.choice((1, 1, 2, 3)))
        ]
        which = rng.randrange(len(paragraphs))
        roll = rng.random()
        if roll < 0.10:
            paragraphs[which] += f" See [the source](https://example.org/ref/{k})."
        elif roll < 0.17:
            paragraphs[which] = f"**{paragraphs[which]}**"
        elif roll < 0.24:
            paragraphs[which] = "> " + paragraphs[which]
        elif roll < 0.30:
            paragraphs[which] += " Run `make check` first."
        elif roll < 0.33:
            paragraphs[which] = f"- {paragraphs[which]}\n- and *that* too"
        pool.append("\n\n".join(paragraphs))
    return pool


class Commenter(NamedTuple):
    """Who wrote a comment: a name, maybe an address and a website, a network."""

    name: str
    email: str
    website: str
    address: str  # an IPv4 address in a documentation range


def commenters(rng: random.Random, n: int) -> list[Commenter]:
    """``n`` commenters; six in ten give an address, one in ten a website."""
    people = []
    for k in range(n):
        email = f"reader{k}@example.net" if rng.random() < 0.6 else ""
        website = f"https://reader{k}.example.org" if rng.random() < 0.1 else ""
        address = f"198.51.{k // 250 % 256}.{k % 250 + 1}"
        people.append(Commenter(f"Reader {k}", email, website, address))
    return people


def rows(plan: Plan) -> Iterator[Row]:
    """Every comment of the plan, in time order (ids 1, 2, ...)."""
    rng = random.Random(plan.seed + 1)
    sizes = thread_sizes(plan)
    order = [t + 1 for t, size in enumerate(sizes) for _ in range(size)]
    rng.shuffle(order)
    seen = [0] * (plan.threads + 1)  # comments of each thread so far
    recent: dict[int, list[tuple[int, int]]] = {}  # thread -> latest approved (id, depth)
    hidden_at = {READ_SIZE * k // READ_HIDDEN + 3 for k in range(READ_HIDDEN)}
    step = SPAN / max(1, plan.comments)
    for n, thread in enumerate(order):
        comment_id = n + 1
        index = seen[thread]
        seen[thread] += 1
        if thread <= plan.read_threads:
            status = ("pending", "spam")[index % 2] if index in hidden_at else "approved"
        else:
            roll = rng.random()
            status = (
                "pending"
                if roll < 0.025
                else "spam"
                if roll < 0.045
                else "deleted"
                if roll < 0.06
                else "approved"
            )
        earlier = recent.setdefault(thread, [])
        parent, depth = None, 0
        if earlier and rng.random() < 0.35:
            parent, parent_depth = rng.choice(earlier)
            if parent_depth < MAX_DEPTH:
                depth = parent_depth + 1
            else:
                parent = None
        if status == "approved":
            earlier.append((comment_id, depth))
            del earlier[:-8]
        likes = int(math.floor(rng.paretovariate(2.0))) - 1
        yield Row(
            comment_id,
            thread,
            parent,
            depth,
            -1 if status == "deleted" else rng.randrange(1 << 30),
            status,
            START + n * step,
            rng.randrange(1 << 30),
            likes,
        )
