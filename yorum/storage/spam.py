"""Spam-scoring queries: verdicts, word lists, the adaptive filter's counts, signatures."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from yorum.models import Reason, Status, Verdict, Word, WordKind
from yorum.storage import Tx
from yorum.storage.tables import (
    comment_signatures,
    comment_verdicts,
    comments,
    spam_tokens,
    spam_trained,
    spam_words,
    threads,
)

# -- verdicts ---------------------------------------------------------------------------


def save_verdict(tx: Tx, comment_id: int, verdict: Verdict) -> None:
    """Keep a comment's spam score and reasons beside it."""
    reasons = [{"scorer": r.scorer, "points": r.points, "text": r.text} for r in verdict.reasons]
    tx.execute(
        comment_verdicts.insert().values(
            comment_id=comment_id,
            score=verdict.score,
            reasons=json.dumps(reasons, ensure_ascii=False),
        )
    )


def verdicts(tx: Tx, comment_ids: Sequence[int]) -> dict[int, tuple[float, tuple[Reason, ...]]]:
    """The stored score and reasons of each of these comments that has them."""
    if not comment_ids:
        return {}
    rows = tx.execute(
        select(comment_verdicts).where(comment_verdicts.c.comment_id.in_(list(comment_ids)))
    )
    found = {}
    for row in rows:
        reasons = tuple(
            Reason(r["scorer"], float(r["points"]), r["text"]) for r in json.loads(row.reasons)
        )
        found[row.comment_id] = (row.score, reasons)
    return found


# -- word lists -------------------------------------------------------------------------


def _word(row: Any) -> Word:
    return Word(row.id, row.site_id, WordKind(row.kind), row.word, row.folded, row.created_at)


def add_word(tx: Tx, site_id: str, kind: WordKind, word: str, folded: str, now: float) -> bool:
    """Put a word on a site's list (or move it to ``kind``); False if it was there already."""
    row = tx.execute(
        select(spam_words).where(spam_words.c.site_id == site_id, spam_words.c.folded == folded)
    ).first()
    if row is not None:
        if row.kind == kind.value:
            return False
        tx.execute(spam_words.update().where(spam_words.c.id == row.id).values(kind=kind.value))
        return True
    tx.execute(
        spam_words.insert().values(
            site_id=site_id, kind=kind.value, word=word, folded=folded, created_at=now
        )
    )
    return True


def remove_word(tx: Tx, site_id: str, folded: str) -> bool:
    """Take a word off a site's list; False if it was not on it."""
    result = tx.execute(
        delete(spam_words).where(spam_words.c.site_id == site_id, spam_words.c.folded == folded)
    )
    return bool(result.rowcount)


def words(tx: Tx, site_id: str) -> list[Word]:
    """A site's word list, by kind then word."""
    rows = tx.execute(
        select(spam_words)
        .where(spam_words.c.site_id == site_id)
        .order_by(spam_words.c.kind, spam_words.c.folded)
    )
    return [_word(r) for r in rows]


# -- the adaptive filter ----------------------------------------------------------------


def token_counts(tx: Tx, site_id: str, tokens: Iterable[str]) -> dict[str, tuple[int, int]]:
    """``(spam, ham)`` counts of these tokens on a site; ``""`` gives the message totals."""
    wanted = list(set(tokens))
    if not wanted:
        return {}
    rows = tx.execute(
        select(spam_tokens.c.token, spam_tokens.c.spam, spam_tokens.c.ham).where(
            spam_tokens.c.site_id == site_id, spam_tokens.c.token.in_(wanted)
        )
    )
    return {r.token: (r.spam, r.ham) for r in rows}


def add_tokens(tx: Tx, site_id: str, tokens: Iterable[str], spam: int, ham: int) -> None:
    """Add ``spam`` and ``ham`` (either may be negative) to each token's counts."""
    rows = [{"site_id": site_id, "token": t, "spam": spam, "ham": ham} for t in set(tokens)]
    if not rows:
        return
    insert = postgresql.insert if tx.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(spam_tokens)
    stmt = stmt.on_conflict_do_update(
        index_elements=[spam_tokens.c.site_id, spam_tokens.c.token],
        set_={
            "spam": func.max(spam_tokens.c.spam + stmt.excluded.spam, 0)
            if tx.dialect.name == "sqlite"
            else func.greatest(spam_tokens.c.spam + stmt.excluded.spam, 0),
            "ham": func.max(spam_tokens.c.ham + stmt.excluded.ham, 0)
            if tx.dialect.name == "sqlite"
            else func.greatest(spam_tokens.c.ham + stmt.excluded.ham, 0),
        },
    )
    tx.execute(stmt, rows)
    # A count taken below zero (forgetting what was never learned) leaves no row behind.
    tx.execute(
        delete(spam_tokens).where(
            spam_tokens.c.site_id == site_id, spam_tokens.c.spam <= 0, spam_tokens.c.ham <= 0
        )
    )


def trained(tx: Tx, comment_id: int) -> bool | None:
    """How a comment was learned (True: spam, False: ham), or None if it was not."""
    row = tx.execute(
        select(spam_trained.c.spam).where(spam_trained.c.comment_id == comment_id)
    ).first()
    return None if row is None else bool(row.spam)


def set_trained(tx: Tx, comment_id: int, site_id: str, spam: bool | None) -> None:
    """Record how a comment was learned; None forgets it."""
    tx.execute(delete(spam_trained).where(spam_trained.c.comment_id == comment_id))
    if spam is not None:
        tx.execute(spam_trained.insert().values(comment_id=comment_id, site_id=site_id, spam=spam))


# -- flood detection --------------------------------------------------------------------


def save_signature(tx: Tx, comment_id: int, site_id: str, now: float, signature: bytes) -> None:
    """Keep a comment's MinHash signature for comparing later comments with."""
    tx.execute(
        comment_signatures.insert().values(
            comment_id=comment_id, site_id=site_id, created_at=now, signature=signature
        )
    )


def recent_signatures(tx: Tx, site_id: str, since: float, limit: int) -> list[bytes]:
    """Signatures of a site's comments since ``since``, newest first, at most ``limit``."""
    found = tx.execute(
        select(comment_signatures.c.signature)
        .where(comment_signatures.c.site_id == site_id, comment_signatures.c.created_at >= since)
        .order_by(comment_signatures.c.created_at.desc())
        .limit(limit)
    ).scalars()
    return [bytes(s) for s in found]


# -- commenters -------------------------------------------------------------------------


def has_approved(tx: Tx, site_id: str, ip_hash: str, email: str) -> bool:
    """Whether this commenter (by address hash or e-mail) has an approved comment here."""
    match = comments.c.ip_hash == ip_hash
    if email.strip():
        match = or_(match, comments.c.email == email.strip())
    row = tx.execute(
        select(comments.c.id)
        .join(threads, threads.c.id == comments.c.thread_id)
        .where(threads.c.site_id == site_id, comments.c.status == Status.APPROVED.value, match)
        .limit(1)
    ).first()
    return row is not None
