"""Word lists per site: banned words refuse a comment, suspect words hold it.

Words are matched folded (see ``yorum.moderation.text``), so ``V1agra``, ``ѵіаgrа`` and
``v.i.a.g.r.a`` all match ``viagra``; a word matches whole words only, and may be a
phrase of several words. Changes to a list are written to the audit log.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from yorum.errors import BannedWord, Invalid
from yorum.models import NewComment, Word, WordKind
from yorum.moderation import text as folding
from yorum.moderation.scoring import ModerationContext, Score, ScorerEnv
from yorum.storage import Store
from yorum.storage import audit as audit_rows
from yorum.storage import spam as spam_rows


class WordLists:
    """Adds, removes and lists the words of each site's lists."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    def add(self, site_id: str, kind: WordKind, words: Sequence[str], *, actor: str) -> int:
        """Put words on a site's banned or suspect list; returns how many changed."""
        now = self.clock()
        changed = 0
        with self.store.write() as tx:
            for word in words:
                word = " ".join(word.split())[:200]
                folded = folding.fold(word)[:200]
                if not folded:
                    raise Invalid(f"{word!r} has no letters or digits to match.", field="word")
                if spam_rows.add_word(tx, site_id, kind, word, folded, now):
                    changed += 1
                    audit_rows.record(
                        tx, site_id=site_id, actor=actor, action=f"word {kind.value}",
                        reason=word, at=now,
                    )  # fmt: skip
        return changed

    def remove(self, site_id: str, words: Sequence[str], *, actor: str) -> int:
        """Take words off a site's lists; returns how many were on them."""
        now = self.clock()
        removed = 0
        with self.store.write() as tx:
            for word in words:
                if spam_rows.remove_word(tx, site_id, folding.fold(word)[:200]):
                    removed += 1
                    audit_rows.record(
                        tx, site_id=site_id, actor=actor, action="word remove", reason=word,
                        at=now,
                    )  # fmt: skip
        return removed

    def list(self, site_id: str) -> list[Word]:
        """A site's banned and suspect words."""
        with self.store.read() as tx:
            return spam_rows.words(tx, site_id)


class WordScorer:
    """Refuses comments with a banned word; holds those with a suspect one."""

    name = "words"

    def __init__(self, env: ScorerEnv) -> None:
        self.lists = WordLists(env.store, env.clock)

    def score(self, comment: NewComment, ctx: ModerationContext) -> Score:
        """Raise ``BannedWord`` on a banned word; points to hold on a suspect word."""
        entries = self.lists.list(ctx.site.id)
        if not entries:
            return Score(0.0)
        folded = folding.fold(f"{comment.text} {comment.author} {comment.website}")
        hits = [w for w in entries if folding.contains(folded, w.folded)]
        if any(w.kind is WordKind.BANNED for w in hits):
            raise BannedWord("Your comment contains a word this site does not accept.")
        if not hits:
            return Score(0.0)
        listed = ", ".join(sorted({w.word for w in hits}))
        return Score(ctx.site.hold_score, (f"suspect words: {listed}",))
