"""Listing a thread: the reply tree, sorting, and cursor pagination, as pure functions.

Readers see approved comments, and deleted placeholders that still have approved replies
below them. Top-level comments follow the chosen sort, pinned ones first; replies always read oldest
first.
A cursor names the last item of the previous page by its sort key, so new comments never
shift the pages a reader is walking through.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from yorum.errors import Invalid
from yorum.models import Comment, CommentNode, Sort, Status

SortKey = tuple[float, ...]


def sort_key(sort: Sort, *, pinned_first: bool = False) -> Callable[[Comment], SortKey]:
    """The key that orders comments for ``sort`` (always ends in the id, for ties).

    With ``pinned_first`` (top-level comments), pinned comments come before all others.
    """
    if pinned_first:
        inner = sort_key(sort)
        return lambda c: (0.0 if c.pinned else 1.0, *inner(c))
    if sort is Sort.NEWEST:
        return lambda c: (-c.created_at, -c.id)
    if sort is Sort.BEST:
        return lambda c: (-c.score, c.created_at, c.id)
    return lambda c: (c.created_at, c.id)


def encode_cursor(sort: Sort, key: SortKey) -> str:
    """An opaque cursor for the item with ``key``."""
    raw = json.dumps([sort.value, *key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str, sort: Sort) -> SortKey:
    """The sort key inside ``cursor``; ``Invalid`` if it is malformed or for another sort."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data: Any = json.loads(raw)
    except (binascii.Error, ValueError):
        raise Invalid("The cursor is not valid.", field="cursor") from None
    if (
        not isinstance(data, list)
        or len(data) not in (3, 4, 5)
        or data[0] != sort.value
        or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in data[1:])
    ):
        raise Invalid("The cursor is not valid for this sort.", field="cursor")
    return tuple(float(x) for x in data[1:])


NODE_LEVELS = 32
"""Levels of replies one response nests at most (new replies nest 16 deep at most, but an
import may bring deeper threads)."""


class Tree:
    """The visible comments of one thread, indexed by parent."""

    def __init__(self, comments: Sequence[Comment]) -> None:
        by_parent: dict[int | None, list[Comment]] = defaultdict(list)
        ids = {c.id for c in comments}
        for c in comments:  # oldest first, as stored
            if c.parent_id is None or c.parent_id in ids:
                by_parent[c.parent_id].append(c)
        self._children = by_parent
        self._visible: dict[int, int] = {}  # comment id -> approved comments below it
        # Counted bottom-up without recursion: an imported thread may nest thousands deep.
        order: list[Comment] = []
        stack = list(by_parent[None])
        while stack:
            comment = stack.pop()
            order.append(comment)
            stack.extend(by_parent.get(comment.id, ()))
        for comment in reversed(order):  # every reply comes before its parent here
            self._visible[comment.id] = sum(
                self._visible[child.id] + (child.status is Status.APPROVED)
                for child in by_parent.get(comment.id, ())
            )

    def replies_below(self, comment_id: int) -> int:
        """Approved comments anywhere below this one."""
        return self._visible.get(comment_id, 0)

    def shown(self, parent_id: int | None) -> list[Comment]:
        """Children of ``parent_id`` a reader sees: approved, or deleted with approved replies."""
        return [
            c
            for c in self._children.get(parent_id, ())
            if c.status is Status.APPROVED or self._visible.get(c.id, 0) > 0
        ]

    @property
    def total(self) -> int:
        """Approved comments in the whole thread."""
        return sum(
            self.replies_below(c.id) + (c.status is Status.APPROVED) for c in self._children[None]
        )

    def contains(self, comment_id: int) -> bool:
        """Whether this comment is part of the visible tree."""
        return comment_id in self._visible

    def node(self, comment: Comment, reply_limit: int, levels: int = NODE_LEVELS) -> CommentNode:
        """``comment`` with up to ``reply_limit`` replies at each level below it, ``levels``
        levels deep at most; deeper replies are counted as hidden, for the reader to load
        by their parent."""
        children = self.shown(comment.id)
        shown = children[:reply_limit] if levels > 0 else []
        return CommentNode(
            comment=comment,
            replies=[self.node(child, reply_limit, levels - 1) for child in shown],
            hidden_replies=len(children) - len(shown),
            reply_count=self.replies_below(comment.id),
        )


def page(
    tree: Tree,
    *,
    parent_id: int | None,
    sort: Sort,
    limit: int,
    cursor: str | None,
    reply_limit: int,
) -> tuple[list[CommentNode], int, str | None]:
    """One page of the children of ``parent_id``: ``(nodes, remaining, next cursor)``.

    Replies (``parent_id`` set) always read oldest first, whatever ``sort`` says.
    """
    order = sort if parent_id is None else Sort.OLDEST
    key = sort_key(order, pinned_first=parent_id is None)
    items = sorted(tree.shown(parent_id), key=key)
    if cursor:
        after = decode_cursor(cursor, order)
        items = [c for c in items if key(c) > after]
    chosen, rest = items[:limit], items[limit:]
    next_cursor = encode_cursor(order, key(chosen[-1])) if rest and chosen else None
    return [tree.node(c, reply_limit) for c in chosen], len(rest), next_cursor
