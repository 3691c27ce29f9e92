"""Import bookkeeping: the comment each imported record became, and unresolved parents."""

from __future__ import annotations

from sqlalchemy import delete, exists, select, update

from yorum.models import Status
from yorum.storage import Tx
from yorum.storage.tables import comments, imported


def comment_of(tx: Tx, site_id: str, source: str, source_id: str) -> int | None:
    """The comment a record was imported as, if it was."""
    row = tx.execute(
        select(imported.c.comment_id).where(
            imported.c.site_id == site_id,
            imported.c.source == source,
            imported.c.source_id == source_id,
        )  # fmt: skip
    ).first()
    return None if row is None else int(row.comment_id)


def remember(
    tx: Tx, site_id: str, source: str, source_id: str, comment_id: int, parent: str | None
) -> None:
    """Record what a record became; ``parent`` is a parent still to resolve."""
    tx.execute(
        imported.insert().values(
            site_id=site_id,
            source=source,
            source_id=source_id,
            comment_id=comment_id,
            parent_source_id=parent,
        )  # fmt: skip
    )


def unresolved(tx: Tx, site_id: str, source: str) -> list[tuple[int, str]]:
    """Imported comments whose parent was named before it was seen: (comment, parent id)."""
    rows = tx.execute(
        select(imported.c.comment_id, imported.c.parent_source_id).where(
            imported.c.site_id == site_id,
            imported.c.source == source,
            imported.c.parent_source_id.is_not(None),
        )  # fmt: skip
    )
    return [(int(c), str(p)) for c, p in rows]


def resolved(tx: Tx, comment_id: int, parent_id: int | None) -> None:
    """Set an imported comment's parent (None: it stays top level) and stop waiting."""
    tx.execute(update(comments).where(comments.c.id == comment_id).values(parent_id=parent_id))
    tx.execute(
        update(imported).where(imported.c.comment_id == comment_id).values(parent_source_id=None)
    )


def forget(tx: Tx, comment_id: int) -> None:
    tx.execute(delete(imported).where(imported.c.comment_id == comment_id))


def childless_deleted(tx: Tx, site_id: str, source: str) -> list[int]:
    """Imported deleted comments that nobody replied to (placeholders with no purpose)."""
    child = comments.alias("child")
    rows = tx.execute(
        select(comments.c.id)
        .join(imported, imported.c.comment_id == comments.c.id)
        .where(
            imported.c.site_id == site_id,
            imported.c.source == source,
            comments.c.status == Status.DELETED.value,
            ~exists().where(child.c.parent_id == comments.c.id),
        )  # fmt: skip
    )
    return [int(i) for (i,) in rows]


def fix_depths(tx: Tx, site_id: str) -> int:
    """Set every imported comment's depth from its parents (after late parents were set);
    returns how many changed."""
    rows = tx.execute(
        select(comments.c.id, comments.c.parent_id, comments.c.depth)
        .join(imported, imported.c.comment_id == comments.c.id)
        .where(imported.c.site_id == site_id)
    ).all()
    parents = {int(i): (None if p is None else int(p)) for i, p, _ in rows}
    stored = {int(i): int(d) for i, _, d in rows}
    depth: dict[int, int] = {}

    def depth_of(comment_id: int) -> int:
        chain = []
        current: int | None = comment_id
        while current is not None and current not in depth and current in parents:
            chain.append(current)
            current = parents[current]
        base = depth.get(current, -1) if current is not None else -1
        if current is not None and current not in depth and current not in parents:
            row = tx.execute(select(comments.c.depth).where(comments.c.id == current)).first()
            base = int(row.depth) if row else -1
        for node in reversed(chain):
            base += 1
            depth[node] = base
        return depth[comment_id]

    changed = 0
    for comment_id in parents:
        if depth_of(comment_id) != stored[comment_id]:
            tx.execute(
                update(comments).where(comments.c.id == comment_id).values(depth=depth[comment_id])
            )
            changed += 1
    return changed


def carry_over(tx: Tx, comment_id: int, likes: int, dislikes: int, edited: float | None) -> None:
    """What the source kept beyond the comment itself: its votes and when it was edited."""
    tx.execute(
        update(comments)
        .where(comments.c.id == comment_id)
        .values(likes=max(likes, 0), dislikes=max(dislikes, 0), edited_at=edited)
    )
