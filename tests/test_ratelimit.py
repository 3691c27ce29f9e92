"""Rate limits on posting: token buckets per client, a 429 with Retry-After when exceeded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from tests.conftest import FakeClock
from yorum.errors import RateLimited
from yorum.models import ClientInfo, NewComment
from yorum.ratelimit import RateLimiter
from yorum.services import Services, build
from yorum.settings import Settings, with_overrides
from yorum.web import create_app


def test_a_bucket_allows_a_burst_then_the_rate() -> None:
    limiter = RateLimiter(per_minute=6, burst=3, what="post")  # a token every 10 s
    for _ in range(3):
        limiter.hit("a", now=100.0)
    with pytest.raises(RateLimited) as info:
        limiter.hit("a", now=100.0)
    assert info.value.retry_after == 10
    with pytest.raises(RateLimited) as info:
        limiter.hit("a", now=104.0)
    assert info.value.retry_after == 6
    limiter.hit("a", now=110.0)  # one token back
    with pytest.raises(RateLimited):
        limiter.hit("a", now=110.5)
    limiter.hit("b", now=110.5)  # another client has its own bucket


def test_a_refill_never_exceeds_the_burst() -> None:
    limiter = RateLimiter(per_minute=60, burst=2, what="post")
    limiter.hit("a", now=0.0)
    for _ in range(2):
        limiter.hit("a", now=3600.0)
    with pytest.raises(RateLimited):
        limiter.hit("a", now=3600.0)


def test_zero_switches_the_limit_off() -> None:
    limiter = RateLimiter(per_minute=0, burst=1, what="post")
    for _ in range(1000):
        limiter.hit("a", now=0.0)


@pytest.fixture
def limited(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    """Services allowing each client a burst of 2 posts, then one every 30 s."""
    limits = {"post_rate_per_minute": 2, "post_burst": 2}
    svc = build(with_overrides(settings, comments=limits), clock=clock)
    svc.sites.ensure_default()
    yield svc
    svc.close()


def test_posting_too_fast_is_a_429_with_retry_after(limited: Services, clock: FakeClock) -> None:
    with TestClient(create_app(limited)) as client:
        for n in range(2):
            body = {"site": "default", "uri": "/t", "text": f"comment {n}"}
            assert client.post("/api/comments", json=body).status_code == 201
        refused = client.post("/api/comments", json={"site": "default", "uri": "/t", "text": "x"})
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "30"
        assert refused.json() == {
            "error": "rate_limited",
            "message": "You post comments too often; please wait 30 s.",
            "field": None,
        }
        # Someone else is not held back by this client.
        other = limited.comments.post(
            NewComment(site_id="default", uri="/t", text="other"), ClientInfo(ip="192.0.2.7")
        )
        assert other.comment.text_raw == "other"
        clock.advance(30)
        again = client.post("/api/comments", json={"site": "default", "uri": "/t", "text": "x"})
        assert again.status_code == 201
        assert client.get("/api/thread?site=default&uri=/t").json()["total"] == 4
