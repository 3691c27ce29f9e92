"""The ``bayes`` scorer: a per-site filter that learns from moderators' decisions.

Token statistics in the SpamBayes manner: for each folded word (and each linked host) the
database counts in how many spam and how many genuine ("ham") comments of the site it
was seen. A token's spam probability is Robinson's f(w), which leans towards 0.5 while a
token is rare; the most telling tokens are combined with Fisher's chi-square method into
one probability. The filter says nothing until it has learned from enough comments of
each kind.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from yorum.models import Comment, NewComment
from yorum.moderation import text as folding
from yorum.moderation.heuristics import links
from yorum.moderation.scoring import ModerationContext, Score, ScorerEnv
from yorum.storage import Store, Tx
from yorum.storage import spam as spam_rows

TOTALS = ""  # the token row holding the number of spam and ham comments learned
STRENGTH = 1.0  # Robinson's s: how much the unknown-token guess weighs
GUESS = 0.5  # Robinson's x: the probability of a token never seen
MIN_LEARNED = 5  # comments of each kind the filter needs before it gives an opinion
MAX_TOKENS = 150  # most telling tokens combined
MIN_DISTANCE = 0.1  # tokens with f(w) closer to 0.5 than this are left out
WEIGHT = 20.0  # points per unit of probability away from 0.5 (+10 at 1, -10 at 0)


def tokens(text: str) -> set[str]:
    """The tokens a comment is learned and judged by."""
    found = {w[:40] for w in folding.words(text) if 2 <= len(w) <= 40}
    for url in links(text):
        host = url.split("//", 1)[-1].split("/", 1)[0].lower()
        found.add(f"url:{host[:56]}")
    if not found:
        found.add("empty:")
    return found


def robinson(spam: int, ham: int, n_spam: int, n_ham: int) -> float:
    """Robinson's f(w): a token's spam probability, pulled towards GUESS when rare."""
    spam_ratio = spam / max(n_spam, 1)
    ham_ratio = ham / max(n_ham, 1)
    if spam_ratio + ham_ratio == 0:
        return GUESS
    p = spam_ratio / (spam_ratio + ham_ratio)
    n = spam + ham
    return (STRENGTH * GUESS + n * p) / (STRENGTH + n)


def chi2q(x2: float, v: int) -> float:
    """P(chi-square with ``v`` (even) degrees of freedom >= ``x2``)."""
    m = x2 / 2.0
    total = term = math.exp(-m)
    for i in range(1, v // 2):
        term *= m / i
        total += term
    return min(total, 1.0)


def fisher(probabilities: Iterable[float]) -> float:
    """Combine token probabilities into one (SpamBayes' chi-square combining)."""
    ps = [min(max(p, 1e-6), 1 - 1e-6) for p in probabilities]
    if not ps:
        return GUESS
    n = len(ps)
    hammy = 1.0 - chi2q(-2.0 * sum(math.log(p) for p in ps), 2 * n)
    spammy = 1.0 - chi2q(-2.0 * sum(math.log(1.0 - p) for p in ps), 2 * n)
    return (spammy - hammy + 1.0) / 2.0


class AdaptiveFilter:
    """Learns spam and ham per site, and tells how spammy a new text looks."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def learn(self, site_id: str, comment: Comment, spam: bool, *, tx: Tx | None = None) -> None:
        """Learn ``comment`` as spam (or ham); re-learning as the other kind moves it."""
        if tx is None:
            with self.store.write() as own:
                self._learn(own, site_id, comment, spam)
        else:
            self._learn(tx, site_id, comment, spam)

    def unlearn(self, site_id: str, comment: Comment, *, tx: Tx | None = None) -> None:
        """Forget whatever was learned from ``comment`` (nothing if it was not learned)."""
        if tx is None:
            with self.store.write() as own:
                self._learn(own, site_id, comment, None)
        else:
            self._learn(tx, site_id, comment, None)

    @staticmethod
    def _learn(tx: Tx, site_id: str, comment: Comment, spam: bool | None) -> None:
        before = spam_rows.trained(tx, comment.id)
        if before == spam:
            return
        words = tokens(comment.text_raw) | {TOTALS}
        if before is not None:
            spam_rows.add_tokens(tx, site_id, words, -int(before), -int(not before))
        if spam is not None:
            spam_rows.add_tokens(tx, site_id, words, int(spam), int(not spam))
        spam_rows.set_trained(tx, comment.id, site_id, spam)

    def probability(self, site_id: str, text: str) -> tuple[float, list[str]] | None:
        """The spam probability of ``text`` and its most telling tokens; None if untrained."""
        words = tokens(text)
        with self.store.read() as tx:
            counts = spam_rows.token_counts(tx, site_id, words | {TOTALS})
        n_spam, n_ham = counts.pop(TOTALS, (0, 0))
        if n_spam < MIN_LEARNED or n_ham < MIN_LEARNED:
            return None
        scored = [
            (robinson(spam, ham, n_spam, n_ham), token) for token, (spam, ham) in counts.items()
        ]
        telling = sorted(
            (item for item in scored if abs(item[0] - GUESS) >= MIN_DISTANCE),
            key=lambda item: abs(item[0] - GUESS),
            reverse=True,
        )[:MAX_TOKENS]
        if not telling:
            return GUESS, []
        clues = [token for p, token in telling[:5] if p > GUESS]
        return fisher(p for p, _ in telling), clues


class BayesScorer:
    """Points from the site's adaptive filter: plus for spam-like, minus for ham-like."""

    name = "bayes"

    def __init__(self, env: ScorerEnv) -> None:
        self.filter = AdaptiveFilter(env.store)

    def score(self, comment: NewComment, ctx: ModerationContext) -> Score:
        """``WEIGHT`` times how far the filter's spam probability is from 0.5."""
        found = self.filter.probability(ctx.site.id, comment.text)
        if found is None:
            return Score(0.0)
        p, clues = found
        points = round((p - GUESS) * WEIGHT, 2)
        if abs(points) < 0.5:
            return Score(0.0)
        said = f"learned filter: {p:.0%} spam"
        if clues and points > 0:
            said += f" (words like {', '.join(clues[:3])})"
        return Score(points, (said,))
