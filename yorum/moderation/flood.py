"""The ``flood`` scorer: near-copies of one text posted again and again across a site.

Each stored comment keeps a MinHash signature (``datasketch``) of its word shingles in
the database, so every process compares with the same recent comments and memory stays
bounded by ``moderation.flood_recent`` signatures per check. A new comment's signature is
compared with those of the site's comments in the last ``moderation.flood_window``
seconds; those alike from ``moderation.flood_similarity`` percent count as copies.
"""

from __future__ import annotations

from functools import cache, lru_cache

import numpy as np
from datasketch import MinHash

from yorum.models import NewComment
from yorum.moderation import text as folding
from yorum.moderation.scoring import ModerationContext, Score, ScorerEnv
from yorum.storage import Store, Tx
from yorum.storage import spam as spam_rows

PERMUTATIONS = 64
SEED = 1  # fixed, so signatures from every process and release compare
SCHEME = "affine32"  # named, so a later datasketch default cannot change stored signatures
MIN_WORDS = 5  # shorter texts ("thanks!") repeat innocently


def shingles(text: str) -> set[bytes]:
    """Overlapping three-word pieces of the folded text."""
    words = folding.words(text)
    return {" ".join(words[i : i + 3]).encode() for i in range(max(len(words) - 2, 1))}


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The hash permutations, made once: making them costs more than hashing a comment."""
    permutations: tuple[np.ndarray, np.ndarray] = MinHash(
        num_perm=PERMUTATIONS, seed=SEED, scheme=SCHEME
    ).permutations
    return permutations


@lru_cache(maxsize=64)  # a comment is scored, then remembered: hash it once
def signature(text: str) -> np.ndarray | None:
    """The MinHash values of a text, or None if it is too short to judge."""
    if len(folding.words(text)) < MIN_WORDS:
        return None
    sketch = MinHash(num_perm=PERMUTATIONS, seed=SEED, permutations=_permutations(), scheme=SCHEME)
    sketch.update_batch(sorted(shingles(text)))
    values: np.ndarray = sketch.hashvalues.astype("<u4")
    return values


class FloodScorer:
    """Points for each recent near-copy of a comment on the same site."""

    name = "flood"

    def __init__(self, env: ScorerEnv) -> None:
        self.store: Store = env.store
        self.window = env.settings.flood_window
        self.recent = env.settings.flood_recent
        self.similarity = env.settings.flood_similarity / 100

    def copies(self, site_id: str, text: str, now: float) -> int:
        """How many of the site's recent comments are near-copies of ``text``."""
        mine = signature(text)
        if mine is None:
            return 0
        with self.store.read() as tx:
            stored = spam_rows.recent_signatures(tx, site_id, now - self.window, self.recent)
        if not stored:
            return 0
        others = np.frombuffer(b"".join(stored), dtype="<u4").reshape(len(stored), -1)
        if others.shape[1] != mine.shape[0]:
            return 0
        alike = (others == mine).mean(axis=1)
        return int((alike >= self.similarity).sum())

    def score(self, comment: NewComment, ctx: ModerationContext) -> Score:
        """+2 for one recent copy, +5 for two or three, +10 for four or more."""
        found = self.copies(ctx.site.id, comment.text, ctx.now)
        if found == 0:
            return Score(0.0)
        points = 2.0 if found == 1 else 5.0 if found <= 3 else 10.0
        return Score(points, (f"{found} near-copies posted recently on this site",))

    def remember(
        self, tx: Tx, comment_id: int, comment: NewComment, ctx: ModerationContext
    ) -> None:
        """Keep the comment's signature for comparing later comments with."""
        mine = signature(comment.text)
        if mine is not None:
            spam_rows.save_signature(tx, comment_id, ctx.site.id, ctx.now, mine.tobytes())
