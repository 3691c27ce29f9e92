"""The install's secret: generated on first start, kept in the data directory, never logged.

One random 32-byte secret per install; purpose-specific keys are derived from it so a
key leaked for one use (say, IP hashing) reveals nothing about another (edit tokens).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

SECRET_FILE = "secret.key"


@dataclass(frozen=True)
class Keys:
    """Keys derived from the install secret, one per purpose."""

    edit_tokens: bytes
    ip_hash: bytes
    avatar: bytes
    challenges: bytes  # signs proof-of-work challenges and the plain page's form stamps
    links: bytes  # signs the links in notification mails

    @classmethod
    def from_secret(cls, secret: bytes) -> Keys:
        """Derive every purpose key from one secret."""

        def derive(purpose: str) -> bytes:
            return hmac.new(secret, purpose.encode(), hashlib.sha256).digest()

        return cls(
            edit_tokens=derive("yorum edit tokens"),
            ip_hash=derive("yorum ip hash"),
            avatar=derive("yorum avatar"),
            challenges=derive("yorum challenges"),
            links=derive("yorum mail links"),
        )


def load_or_create(data_dir: Path) -> Keys:
    """Read the install secret from ``data_dir``, creating it (mode 0600) on first start.

    Creation is atomic (``O_EXCL``), so processes starting together agree on one secret.
    A data directory created here is private to its owner (mode 0700): the database in it
    holds commenters' e-mail addresses.
    """
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = data_dir / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
            f.flush()
            os.fsync(f.fileno())
    for _ in range(100):  # a concurrent creator may not have written it yet
        text = path.read_text().strip()
        if text:
            return Keys.from_secret(bytes.fromhex(text))
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty")
