"""Proof of work in the ALTCHA format: challenges to hand out, solutions to check.

A challenge hides a random number ``n`` below ``maxnumber``: it publishes a salt and
``sha256(salt + str(n))``, and an HMAC of that hash so the server can later recognise its
own challenge without having stored it. The browser finds ``n`` by trying numbers in turn
(about ``maxnumber / 2`` hashes on average) and sends back the base64 JSON payload
``{algorithm, challenge, number, salt, signature, took}``. Existing ALTCHA widgets can
solve yorum's challenges, since the format is the same.

The salt carries ``?expires=`` (as ALTCHA's own servers do), the site the challenge was
issued for and when it was issued, all covered by the signature through the hash. Each
solution is accepted once: the comment's transaction records its signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from yorum.errors import ProofExpired, ProofInvalid

ALGORITHM = "SHA-256"
MAX_PAYLOAD = 2048  # characters of base64; a genuine payload is about 400


@dataclass(frozen=True)
class Challenge:
    """A challenge as the widget (or any ALTCHA widget) receives it."""

    algorithm: str
    challenge: str
    maxnumber: int
    salt: str
    signature: str

    def as_json(self) -> dict[str, Any]:
        """The ALTCHA challenge object."""
        return {
            "algorithm": self.algorithm,
            "challenge": self.challenge,
            "maxnumber": self.maxnumber,
            "salt": self.salt,
            "signature": self.signature,
        }


@dataclass(frozen=True)
class Proof:
    """A checked solution: genuine, in time, for this site; not yet known to be unused."""

    signature: str
    issued_at: float
    expires_at: float


class ProofOfWork:
    """Issues challenges and checks solutions with the install's challenge key."""

    def __init__(self, key: bytes, ttl: int, clock: Callable[[], float] = time.time) -> None:
        self.key = key
        self.ttl = ttl
        self.clock = clock

    def issue(self, site_id: str, max_number: int) -> Challenge:
        """A new challenge for a comment on ``site_id``."""
        now = self.clock()
        salt = f"{secrets.token_hex(12)}?expires={int(now + self.ttl)}&site={site_id}&at={int(now)}"
        number = secrets.randbelow(max_number + 1)
        challenge = _hash(salt, number)
        return Challenge(ALGORITHM, challenge, max_number, salt, self._sign(challenge))

    def check(self, payload: str, site_id: str) -> Proof:
        """The proof a payload carries, if genuine, solved, unexpired and for ``site_id``.

        Raises ``ProofInvalid`` or ``ProofExpired``; whether it was used before is for the
        caller's transaction to find out.
        """
        data = _decode(payload)
        challenge, salt, signature = data["challenge"], data["salt"], data["signature"]
        if data["algorithm"] != ALGORITHM:
            raise ProofInvalid("Only SHA-256 challenges are accepted.", field="altcha")
        if not hmac.compare_digest(self._sign(challenge), signature):
            raise ProofInvalid("This challenge was not issued here.", field="altcha")
        if _hash(salt, data["number"]) != challenge:
            raise ProofInvalid("The challenge is not solved.", field="altcha")
        params = parse_qs(salt.partition("?")[2])
        try:
            expires = float(params["expires"][0])
            issued = float(params["at"][0])
            site = params["site"][0]
        except (KeyError, ValueError, IndexError):
            raise ProofInvalid("The challenge is not one of ours.", field="altcha") from None
        if site != site_id:
            raise ProofInvalid("The challenge was issued for another site.", field="altcha")
        if self.clock() > expires:
            raise ProofExpired("The challenge expired; please send again.", field="altcha")
        return Proof(signature, issued, expires)

    def _sign(self, challenge: str) -> str:
        return hmac.new(self.key, challenge.encode(), hashlib.sha256).hexdigest()


def _hash(salt: str, number: int) -> str:
    return hashlib.sha256(f"{salt}{number}".encode()).hexdigest()


def _decode(payload: str) -> dict[str, Any]:
    """The fields of a base64 JSON payload, each of the expected type."""
    if len(payload) > MAX_PAYLOAD:
        raise ProofInvalid("The proof-of-work payload is too long.", field="altcha")
    try:
        data = json.loads(base64.b64decode(payload, validate=True))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ProofInvalid(
            "The proof-of-work payload is not base64 JSON.", field="altcha"
        ) from None
    if not isinstance(data, dict):
        raise ProofInvalid("The proof-of-work payload is not an object.", field="altcha")
    for name in ("algorithm", "challenge", "salt", "signature"):
        if not isinstance(data.get(name), str):
            raise ProofInvalid(f"The proof-of-work payload lacks {name}.", field="altcha")
    number = data.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number <= 10**9:
        raise ProofInvalid("The proof-of-work payload lacks its number.", field="altcha")
    return data
