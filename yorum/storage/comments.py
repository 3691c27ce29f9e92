"""Comment and vote queries."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import and_, delete, func, select, update

from yorum.models import Comment, SiteComment, Status
from yorum.storage import Tx
from yorum.storage.tables import comments, threads, votes


def _comment(row: Any) -> Comment:
    return Comment(
        id=row.id,
        thread_id=row.thread_id,
        parent_id=row.parent_id,
        depth=row.depth,
        author=row.author,
        email=row.email,
        website=row.website,
        text_raw=row.text_raw,
        text_html=row.text_html,
        status=Status(row.status),
        created_at=row.created_at,
        edited_at=row.edited_at,
        ip_hash=row.ip_hash,
        likes=row.likes,
        dislikes=row.dislikes,
    )


def insert(
    tx: Tx,
    *,
    thread_id: int,
    parent_id: int | None,
    depth: int,
    author: str,
    email: str,
    website: str,
    text_raw: str,
    text_html: str,
    status: Status,
    created_at: float,
    ip_hash: str,
) -> Comment:
    """Store a new comment and return it with its id."""
    values = {
        "thread_id": thread_id,
        "parent_id": parent_id,
        "depth": depth,
        "author": author,
        "email": email,
        "website": website,
        "text_raw": text_raw,
        "text_html": text_html,
        "status": status.value,
        "created_at": created_at,
        "edited_at": None,
        "ip_hash": ip_hash,
        "likes": 0,
        "dislikes": 0,
    }
    new_id = tx.execute(comments.insert().values(**values).returning(comments.c.id)).scalar_one()
    return _comment(SimpleNamespace(id=new_id, **values))


def get(tx: Tx, comment_id: int) -> Comment | None:
    """The comment with this id, whatever its status."""
    row = tx.execute(select(comments).where(comments.c.id == comment_id)).first()
    return _comment(row) if row else None


def list_for_thread(tx: Tx, thread_id: int, statuses: Sequence[Status]) -> list[Comment]:
    """Every comment of a thread in one of ``statuses``, oldest first."""
    rows = tx.execute(
        select(comments)
        .where(
            comments.c.thread_id == thread_id, comments.c.status.in_([s.value for s in statuses])
        )
        .order_by(comments.c.created_at, comments.c.id)
    )
    return [_comment(r) for r in rows]


def has_children(tx: Tx, comment_id: int) -> bool:
    """Whether any comment replies to this one."""
    return (
        tx.execute(select(comments.c.id).where(comments.c.parent_id == comment_id).limit(1)).first()
        is not None
    )


def update_text(
    tx: Tx,
    comment_id: int,
    *,
    text_raw: str,
    text_html: str,
    author: str,
    website: str,
    edited_at: float,
) -> None:
    """Replace a comment's text (and the author's name and website)."""
    tx.execute(
        update(comments)
        .where(comments.c.id == comment_id)
        .values(
            text_raw=text_raw,
            text_html=text_html,
            author=author,
            website=website,
            edited_at=edited_at,
        )
    )


def make_placeholder(tx: Tx, comment_id: int, now: float) -> None:
    """Blank a comment that has replies, keeping its row so the thread stays whole."""
    tx.execute(
        update(comments)
        .where(comments.c.id == comment_id)
        .values(
            status=Status.DELETED.value,
            text_raw="",
            text_html="",
            author="",
            email="",
            website="",
            edited_at=now,
        )
    )


def remove(tx: Tx, comment_id: int) -> None:
    """Delete a comment row (and its votes) for good."""
    tx.execute(delete(comments).where(comments.c.id == comment_id))


def recent_duplicate(tx: Tx, thread_id: int, ip_hash: str, text_raw: str, since: float) -> bool:
    """Whether this client posted exactly this text to this thread since ``since``."""
    return (
        tx.execute(
            select(comments.c.id)
            .where(
                comments.c.thread_id == thread_id,
                comments.c.ip_hash == ip_hash,
                comments.c.created_at >= since,
                comments.c.text_raw == text_raw,
            )
            .limit(1)
        ).first()
        is not None
    )


def counts(tx: Tx, site_id: str, uris: Sequence[str]) -> dict[str, int]:
    """Number of approved comments of each of these pages that has any."""
    rows = tx.execute(
        select(threads.c.uri, func.count(comments.c.id))
        .join(comments, comments.c.thread_id == threads.c.id)
        .where(
            threads.c.site_id == site_id,
            threads.c.uri.in_(list(set(uris))),
            comments.c.status == Status.APPROVED.value,
        )
        .group_by(threads.c.uri)
    )
    return {uri: n for uri, n in rows}


def latest(tx: Tx, site_id: str, limit: int) -> list[SiteComment]:
    """The site's newest approved comments, newest first."""
    rows = tx.execute(
        select(comments, threads.c.uri, threads.c.title)
        .join(threads, comments.c.thread_id == threads.c.id)
        .where(threads.c.site_id == site_id, comments.c.status == Status.APPROVED.value)
        .order_by(comments.c.created_at.desc(), comments.c.id.desc())
        .limit(limit)
    )
    return [SiteComment(_comment(r), r.uri, r.title) for r in rows]


def vote(tx: Tx, comment_id: int, voter_hash: str, value: int, now: float) -> int:
    """Record ``voter_hash``'s vote (+1, -1, or 0 to withdraw); returns their previous one."""
    previous = tx.execute(
        select(votes.c.value).where(
            and_(votes.c.comment_id == comment_id, votes.c.voter_hash == voter_hash)
        )
    ).scalar()
    previous = int(previous or 0)
    if previous == value:
        return previous
    if previous:
        tx.execute(
            delete(votes).where(votes.c.comment_id == comment_id, votes.c.voter_hash == voter_hash)
        )
    if value:
        tx.execute(
            votes.insert().values(
                comment_id=comment_id, voter_hash=voter_hash, value=value, created_at=now
            )
        )
    likes = (value == 1) - (previous == 1)
    dislikes = (value == -1) - (previous == -1)
    tx.execute(
        update(comments)
        .where(comments.c.id == comment_id)
        .values(likes=comments.c.likes + likes, dislikes=comments.c.dislikes + dislikes)
    )
    return previous


def vote_of(tx: Tx, comment_id: int, voter_hash: str) -> int:
    """The vote ``voter_hash`` has on this comment (0 for none)."""
    value = tx.execute(
        select(votes.c.value).where(
            votes.c.comment_id == comment_id, votes.c.voter_hash == voter_hash
        )
    ).scalar()
    return int(value or 0)
