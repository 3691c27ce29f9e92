"""Time-based one-time passwords (RFC 6238, with the RFC 4226 HOTP underneath).

Six digits, SHA-1, 30-second steps: what every authenticator app reads from an
``otpauth://`` URI. Codes from one step either side are accepted, for clock drift.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote

STEP = 30
DIGITS = 6


def new_secret() -> str:
    """A fresh random secret, base32 (160 bits, as RFC 4226 recommends)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def hotp(secret: str, counter: int) -> str:
    """The RFC 4226 code for ``counter``."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def code_at(secret: str, now: float) -> str:
    """The code an authenticator shows at time ``now``."""
    return hotp(secret, int(now // STEP))


def verify(secret: str, code: str, now: float) -> bool:
    """Whether ``code`` is right for ``now`` (or one step before or after)."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return False
    step = int(now // STEP)
    steps = [step + d for d in (-1, 0, 1) if step + d >= 0]
    return any(hmac.compare_digest(hotp(secret, s), code) for s in steps)


def uri(secret: str, account: str, issuer: str = "yorum") -> str:
    """The ``otpauth://`` URI an authenticator app imports (often shown as a QR code)."""
    label = quote(f"{issuer}:{account}")
    return f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer)}"
