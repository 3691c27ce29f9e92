"""Comment and vote queries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, select, update

from yorum.models import Comment, SiteComment, Status
from yorum.storage import Tx
from yorum.storage.tables import comments, threads, votes

_STATUS = {status.value: status for status in Status}
_STATUS_COLUMN = [c.name for c in comments.columns].index("status")
assert tuple(c.name for c in comments.columns) == Comment._fields, "columns match the model"


# The statements of the hot paths are built once: building one costs more than running it.
_INSERT = comments.insert().returning(comments.c.id)
_BY_ID = select(comments).where(comments.c.id == bindparam("id"))
_OF_THREAD = (
    select(comments)
    .where(
        comments.c.thread_id == bindparam("thread_id"),
        comments.c.status.in_(bindparam("statuses", expanding=True)),
    )
    .order_by(comments.c.created_at, comments.c.id)
)
_DUPLICATE = (
    select(comments.c.id)
    .where(
        comments.c.thread_id == bindparam("thread_id"),
        comments.c.ip_hash == bindparam("ip_hash"),
        comments.c.created_at >= bindparam("since"),
        comments.c.text_raw == bindparam("text_raw"),
    )
    .limit(1)
)
_COUNTS = (
    select(threads.c.uri, func.count(comments.c.id))
    .join(comments, comments.c.thread_id == threads.c.id)
    .where(
        threads.c.site_id == bindparam("site_id"),
        threads.c.uri.in_(bindparam("uris", expanding=True)),
        comments.c.status == Status.APPROVED.value,
    )
    .group_by(threads.c.uri)
)


def _comment(row: Sequence[Any]) -> Comment:
    """A ``comments`` row (all columns, in table order) as a ``Comment``."""
    values = list(row[: len(Comment._fields)])
    values[_STATUS_COLUMN] = _STATUS[values[_STATUS_COLUMN]]
    return Comment._make(values)


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
    avatar: str = "",
    hold_reason: str = "",
    notify: bool = False,
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
        "avatar": avatar,
        "pinned": False,
        "locked": False,
        "hold_reason": hold_reason,
        "notify": notify,
    }
    new_id = tx.execute(_INSERT, values).scalar_one()
    return _comment([new_id, *values.values()])


def get(tx: Tx, comment_id: int) -> Comment | None:
    """The comment with this id, whatever its status."""
    row = tx.execute(_BY_ID, {"id": comment_id}).first()
    return _comment(row) if row else None


def list_for_thread(tx: Tx, thread_id: int, statuses: Sequence[Status]) -> list[Comment]:
    """Every comment of a thread in one of ``statuses``, oldest first."""
    params = {"thread_id": thread_id, "statuses": [s.value for s in statuses]}
    rows = tx.execute(_OF_THREAD, params).all()
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
    avatar: str,
    edited_at: float,
) -> None:
    """Replace a comment's text (and the author's name, website and picture seed)."""
    tx.execute(
        update(comments)
        .where(comments.c.id == comment_id)
        .values(
            text_raw=text_raw,
            text_html=text_html,
            author=author,
            website=website,
            avatar=avatar,
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
            avatar="",
            edited_at=now,
        )
    )


def remove(tx: Tx, comment_id: int) -> None:
    """Delete a comment row (and its votes) for good."""
    tx.execute(delete(comments).where(comments.c.id == comment_id))


def recent_duplicate(tx: Tx, thread_id: int, ip_hash: str, text_raw: str, since: float) -> bool:
    """Whether this client posted exactly this text to this thread since ``since``."""
    params = {"thread_id": thread_id, "ip_hash": ip_hash, "since": since, "text_raw": text_raw}
    return tx.execute(_DUPLICATE, params).first() is not None


def counts(tx: Tx, site_id: str, uris: Sequence[str]) -> dict[str, int]:
    """Number of approved comments of each of these pages that has any."""
    rows = tx.execute(_COUNTS, {"site_id": site_id, "uris": list(set(uris))})
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


def set_status(tx: Tx, comment_id: int, status: Status, hold_reason: str | None = None) -> None:
    """Move a comment to another moderation status (and say why it is held, if given)."""
    values: dict[str, Any] = {"status": status.value}
    if hold_reason is not None:
        values["hold_reason"] = hold_reason
    tx.execute(update(comments).where(comments.c.id == comment_id).values(**values))


def set_flags(
    tx: Tx, comment_id: int, *, pinned: bool | None = None, locked: bool | None = None
) -> None:
    """Pin or unpin a comment, lock or unlock it; ``None`` leaves a flag as it is."""
    values = {
        name: value for name, value in (("pinned", pinned), ("locked", locked)) if value is not None
    }
    if values:
        tx.execute(update(comments).where(comments.c.id == comment_id).values(**values))


def moderator_edit(tx: Tx, comment_id: int, *, text_raw: str, text_html: str, at: float) -> None:
    """Replace a comment's text on a moderator's behalf; marks it edited."""
    tx.execute(
        update(comments)
        .where(comments.c.id == comment_id)
        .values(text_raw=text_raw, text_html=text_html, edited_at=at)
    )


def with_status(tx: Tx, site_id: str, status: Status, limit: int) -> list[SiteComment]:
    """The site's comments in ``status``, oldest first (a moderation queue)."""
    rows = tx.execute(
        select(comments, threads.c.uri, threads.c.title)
        .join(threads, comments.c.thread_id == threads.c.id)
        .where(threads.c.site_id == site_id, comments.c.status == status.value)
        .order_by(comments.c.created_at, comments.c.id)
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
