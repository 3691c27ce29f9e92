"""The ``offensive`` scorer (off by default): English swear words and slurs.

It matches against the word list the ``better-profanity`` package ships (install
``yorum[offensive]``), folded like the site word lists, so look-alike spellings match
too. Everything is local: no model, no network. English only, so it holds rather than
refuses: a moderator decides.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from yorum.models import NewComment
from yorum.moderation import text as folding
from yorum.moderation.scoring import ModerationContext, Score, ScorerEnv, UnknownScorer

POINTS = 3.0  # per distinct word, up to the site's hold threshold


@cache
def wordlist() -> frozenset[str]:
    """The shipped list, folded; ``UnknownScorer`` if the package is not installed."""
    try:
        shipped = resources.files("better_profanity").joinpath("profanity_wordlist.txt")
        lines = shipped.read_text(encoding="utf-8").splitlines()
    except (ModuleNotFoundError, FileNotFoundError):
        raise UnknownScorer(
            "The offensive scorer needs the better-profanity package: "
            "pip install 'yorum[offensive]'."
        ) from None
    return frozenset(f for f in (folding.fold(line) for line in lines) if f)


class OffensiveScorer:
    """Points for each distinct offensive word or phrase in a comment."""

    name = "offensive"

    def __init__(self, env: ScorerEnv) -> None:
        self.words = wordlist()
        self.longest = max((w.count(" ") + 1 for w in self.words), default=1)

    def score(self, comment: NewComment, ctx: ModerationContext) -> Score:
        """``POINTS`` per distinct listed word, capped at the site's hold threshold."""
        said = folding.words(f"{comment.text} {comment.author}")
        found: set[str] = set()
        for size in range(1, self.longest + 1):
            for i in range(len(said) - size + 1):
                phrase = " ".join(said[i : i + size])
                if phrase in self.words:
                    found.add(phrase)
        if not found:
            return Score(0.0)
        points = min(POINTS * len(found), ctx.site.hold_score)
        return Score(points, (f"{len(found)} offensive word(s)",))
