"""A reader's data on one site, found by the e-mail address they gave: to export or erase."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from yorum.models import Comment, Status, Thread
from yorum.storage import Tx
from yorum.storage.comments import _comment
from yorum.storage.tables import (
    comment_signatures,
    comment_verdicts,
    commenters,
    comments,
    outbox,
    subscribers,
    threads,
)


def comments_of(tx: Tx, site_id: str, email: str) -> list[tuple[Comment, Thread]]:
    """The site's comments written under ``email`` (any case), oldest first."""
    rows = tx.execute(
        select(comments, threads.c.id.label("t_id"), threads.c.site_id, threads.c.uri,
               threads.c.title, threads.c.locked.label("t_locked"),
               threads.c.created_at.label("t_created_at"), threads.c.version)
        .join(threads, comments.c.thread_id == threads.c.id)
        .where(threads.c.site_id == site_id, func.lower(comments.c.email) == email,
               comments.c.status != Status.DELETED.value)
        .order_by(comments.c.created_at, comments.c.id)
    )  # fmt: skip
    return [
        (
            _comment(r[: len(comments.columns)]),
            Thread(
                id=r.t_id,
                site_id=r.site_id,
                uri=r.uri,
                title=r.title,
                locked=bool(r.t_locked),
                created_at=r.t_created_at,
                version=r.version,
            ),
        )  # fmt: skip
        for r in rows
    ]


def anonymize(tx: Tx, comment_id: int) -> None:
    """Keep a comment's text; drop everything that says who wrote it."""
    tx.execute(
        update(comments)
        .where(comments.c.id == comment_id)
        .values(author="", email="", website="", avatar="", ip_hash="", notify=False)
    )


def forget_traces(tx: Tx, comment_ids: list[int]) -> None:
    """Drop what was derived from these comments: scorer verdicts, flood signatures, and
    the address hash left on placeholders."""
    if not comment_ids:
        return
    tx.execute(delete(comment_verdicts).where(comment_verdicts.c.comment_id.in_(comment_ids)))
    tx.execute(delete(comment_signatures).where(comment_signatures.c.comment_id.in_(comment_ids)))
    tx.execute(update(comments).where(comments.c.id.in_(comment_ids)).values(ip_hash=""))


def forget_address(tx: Tx, site_id: str, email: str) -> None:
    """Drop the address's subscription, standing and pending mails on the site."""
    tx.execute(
        delete(subscribers).where(subscribers.c.site_id == site_id, subscribers.c.email == email)
    )
    tx.execute(
        delete(commenters).where(
            commenters.c.site_id == site_id, commenters.c.key == f"email:{email}"
        )
    )
    tx.execute(
        delete(outbox).where(
            outbox.c.site_id == site_id, outbox.c.recipient == email, outbox.c.channel == "email"
        )
    )
