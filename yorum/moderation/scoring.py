"""The spam-scoring pipeline: scorers, what they say, and how it adds up to a verdict.

Each scorer looks at a new comment and returns a ``Score``: points (positive for spam,
negative for evidence of a genuine comment) and the reasons, in words a moderator reads.
The ``Pipeline`` adds the points of the scorers the settings name and compares the total
with the site's thresholds: from ``hold_score`` up the comment waits for a moderator,
from ``spam_score`` up it is spam. A scorer may also refuse a comment outright by raising
a ``YorumError`` (the word lists do, for banned words).

Scorers come from the ``yorum.scorers`` entry-point group; yorum's own are registered
there exactly as a plugin's would be. An entry point names a factory (usually the scorer
class) called with one ``ScorerEnv`` argument.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from yorum.models import NewComment, Reason, Site, Status, Verdict
from yorum.settings import ModerationSettings
from yorum.storage import Store, Tx
from yorum.storage import spam as spam_rows

GROUP = "yorum.scorers"


@dataclass(frozen=True)
class Score:
    """One scorer's opinion of a comment: points and the reasons for them."""

    points: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModerationContext:
    """What a scorer may know about a new comment besides its text."""

    site: Site
    ip_hash: str  # the keyed hash of the client's address, never the address
    now: float


@dataclass(frozen=True)
class ScorerEnv:
    """What a scorer factory is given to build a scorer: the database, settings, clock."""

    store: Store
    settings: ModerationSettings = field(default_factory=ModerationSettings)
    clock: Callable[[], float] = time.time


@runtime_checkable
class Scorer(Protocol):
    """Scores a new comment; ``name`` is how settings and reasons refer to it."""

    name: str

    def score(self, comment: NewComment, ctx: ModerationContext) -> Score:
        """Points for (or, negative, against) this comment being spam, with reasons."""
        ...


@runtime_checkable
class Remembering(Protocol):
    """A scorer that keeps something of each stored comment (flood detection does)."""

    def remember(
        self, tx: Tx, comment_id: int, comment: NewComment, ctx: ModerationContext
    ) -> None:
        """Store what later comments are compared with, in the comment's own transaction."""
        ...


class UnknownScorer(Exception):
    """The settings name a scorer no installed package provides."""


def available() -> dict[str, Callable[[ScorerEnv], Scorer]]:
    """Every scorer factory installed, by name."""
    return {ep.name: ep.load() for ep in entry_points(group=GROUP)}


def load(names: Sequence[str], env: ScorerEnv) -> list[Scorer]:
    """Build the scorers ``names`` lists, in that order; ``UnknownScorer`` if one is missing."""
    found = {ep.name: ep for ep in entry_points(group=GROUP)}
    scorers = []
    for name in names:
        if name not in found:
            known = ", ".join(sorted(found)) or "none"
            raise UnknownScorer(f"No spam scorer named {name!r} is installed (known: {known}).")
        scorers.append(found[name].load()(env))
    return scorers


def names(setting: str) -> list[str]:
    """The scorer names in a comma-separated setting."""
    return [n.strip() for n in setting.split(",") if n.strip()]


class Pipeline:
    """Runs the scorers over a new comment and turns their points into a ``Verdict``."""

    def __init__(self, scorers: Sequence[Scorer]) -> None:
        self.scorers = list(scorers)

    @classmethod
    def from_settings(cls, env: ScorerEnv) -> Pipeline:
        """The pipeline of the scorers the settings name."""
        return cls(load(names(env.settings.scorers), env))

    def run(self, comment: NewComment, ctx: ModerationContext) -> Verdict:
        """Score ``comment``; the verdict's status follows the site's thresholds."""
        reasons: list[Reason] = []
        total = 0.0
        for scorer in self.scorers:
            result = scorer.score(comment, ctx)
            total += result.points
            if result.points or result.reasons:
                text = "; ".join(result.reasons) or "no reason given"
                reasons.append(Reason(scorer.name, round(result.points, 2), text))
        if total >= ctx.site.spam_score:
            status = Status.SPAM
        elif total >= ctx.site.hold_score:
            status = Status.PENDING
        else:
            status = Status.APPROVED
        return Verdict(status, round(total, 2), tuple(reasons))

    def record(
        self,
        tx: Tx,
        comment_id: int,
        comment: NewComment,
        ctx: ModerationContext,
        verdict: Verdict,
    ) -> None:
        """Store the verdict with the comment, and let scorers remember the comment."""
        spam_rows.save_verdict(tx, comment_id, verdict)
        for scorer in self.scorers:
            if isinstance(scorer, Remembering):
                scorer.remember(tx, comment_id, comment, ctx)
