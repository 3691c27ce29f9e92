"""Gatekeeping before a comment exists: rate limits, proof of work and form checks.

``Gate.admit`` runs inside ``CommentService.post``, so every way of posting (the JSON API,
the plain page, anything added later) passes the same checks:

1. rate limits per client (by the keyed hash of its address) and per thread;
2. the trap field: a hidden form field people never fill in;
3. through the API, a solved proof-of-work challenge (ALTCHA format), unless switched off;
   from the plain page, which cannot solve one without JavaScript, and from clients that
   cannot solve one at all (Isso's client, through the Isso-compatible API), the comment is
   held for a moderator instead;
4. a minimum time between showing the form (or handing out the challenge) and posting;
   clients that carry neither a challenge nor a form stamp have no time to check.

A solution's single use is settled by the comment's own transaction (``storage.proofs``),
so a comment that fails later does not use up its solution.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from yorum.abuse.limits import PostLimits
from yorum.abuse.proof import Challenge, Proof, ProofOfWork
from yorum.abuse.stamps import FormStamps
from yorum.errors import Invalid, LooksAutomated, ProofMissing, TooFast
from yorum.models import ClientInfo
from yorum.settings import AbuseSettings

__all__ = ["Admission", "Gate", "NO_PROOF_REASON", "UNPROVEN_REASON"]

NO_PROOF_REASON = "sent from the page without JavaScript, so without proof of work"
UNPROVEN_REASON = "sent by a client that cannot solve proof of work (Isso's)"


@dataclass(frozen=True)
class Admission:
    """A comment let through the gate: why to hold it, if at all, and its proof to use up."""

    hold: tuple[str, ...] = ()
    proof: Proof | None = None


class Gate:
    """The checks a comment passes before it is stored."""

    def __init__(
        self,
        settings: AbuseSettings,
        key: bytes,
        redis_url: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.limits = PostLimits(settings.client_rate, settings.thread_rate, redis_url)
        self.proofs = ProofOfWork(key, settings.challenge_ttl, clock)
        self.stamps = FormStamps(key)
        self._attempts: dict[str, int] = {}  # site -> this minute's attempts, last seen

    def challenge(self, site_id: str) -> Challenge:
        """A proof-of-work challenge for the site, harder while it is flooded."""
        return self.proofs.issue(site_id, self.difficulty(site_id))

    def difficulty(self, site_id: str) -> int:
        """The ``maxnumber`` of the site's challenges now.

        Normal until the site sees more than ``pow_flood_posts`` attempts a minute; then it
        doubles with each doubling of the flood, up to ``pow_max_factor`` times normal.
        """
        base = self.settings.pow_max_number
        seen: int = self._attempts.get(site_id, 0)
        flood = self.settings.pow_flood_posts
        if seen <= flood:
            return base
        doublings = math.ceil(math.log2(seen / flood))
        factor: int = min(self.settings.pow_max_factor, 1 << doublings)
        return base * factor

    def form_stamp(self, site_id: str) -> str:
        """The stamp to put in a plain comment form shown now."""
        return self.stamps.issue(site_id, self.clock())

    def admit(self, site_id: str, uri: str, ip_hash: str, client: ClientInfo) -> Admission:
        """Let a comment through, say why to hold it, or raise what stops it."""
        self._attempts[site_id] = self.limits.attempts(site_id)
        self.limits.hit(ip_hash, f"{site_id} {uri}")
        if client.trap:
            raise LooksAutomated("This comment looks automated and was not accepted.")
        if client.page:
            self._check_time(self._shown_at(client.form_stamp, site_id))
            hold = (NO_PROOF_REASON,) if self.settings.proof_of_work else ()
            return Admission(hold=hold)
        if client.unproven:
            return Admission(hold=(UNPROVEN_REASON,) if self.settings.proof_of_work else ())
        if not self.settings.proof_of_work:
            return Admission()
        if not client.proof:
            raise ProofMissing("Please solve the challenge before posting.", field="altcha")
        proof = self.proofs.check(client.proof, site_id)
        self._check_time(proof.issued_at)
        return Admission(proof=proof)

    def _shown_at(self, stamp: str | None, site_id: str) -> float:
        shown = self.stamps.shown_at(stamp, site_id) if stamp else None
        if shown is None:
            raise Invalid(
                "This form is not one of ours; please reload the page.",
                field="stamp",
                code="stale_form",
            )
        return shown

    def _check_time(self, shown_at: float) -> None:
        least = self.settings.min_submit_seconds
        if least and self.clock() - shown_at < least:
            raise TooFast(f"Please take at least {least} seconds to write a comment.")
