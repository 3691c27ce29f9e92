"""Signed edit tokens: proof, held by a comment's author, that they wrote it.

A token is ``<comment id>.<mac>`` where the MAC is an HMAC-SHA256 over the comment's id and
creation time under the install's edit-token key. It needs no storage, is worthless on
another install or for another comment, and is checked in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from yorum.errors import EditWindowExpired, InvalidEditToken
from yorum.models import Comment


class EditTokens:
    """Issues and checks edit tokens for one install."""

    def __init__(self, key: bytes, window: int) -> None:
        self._key = key
        self.window = window

    def _mac(self, comment_id: int, created_at: float) -> str:
        message = f"{comment_id}:{created_at!r}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def issue(self, comment: Comment) -> str:
        """The token for a freshly posted comment."""
        return f"{comment.id}.{self._mac(comment.id, comment.created_at)}"

    def expires(self, comment: Comment) -> float:
        """When the author's right to edit ``comment`` ends (epoch seconds)."""
        return comment.created_at + self.window

    def check(self, token: str | None, comment: Comment, now: float) -> None:
        """Raise unless ``token`` was issued for ``comment`` and its window is still open."""
        if not token:
            raise InvalidEditToken("An edit token is required.", field="token")
        expected = self.issue(comment)
        if not hmac.compare_digest(token.encode("utf-8", "replace"), expected.encode()):
            raise InvalidEditToken("The edit token is not valid for this comment.", field="token")
        if now > self.expires(comment):
            raise EditWindowExpired("The time to edit or delete this comment has passed.")
