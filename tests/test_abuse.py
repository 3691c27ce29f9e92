"""The gate before a comment exists: proof of work, rate limits, the trap field and the
minimum time, through the service, the JSON API and the plain page."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import OPEN_GATE, FakeClock
from tests.servers import Server, free_port
from yorum.abuse import UNPROVEN_REASON
from yorum.abuse.limits import PostLimits
from yorum.errors import RateLimited
from yorum.models import ClientInfo, NewComment, Status
from yorum.services import Services, build
from yorum.settings import Settings, load, with_overrides
from yorum.web import create_app

REDIS_URL = os.environ.get("YORUM_TEST_REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="YORUM_TEST_REDIS_URL not set")


def solve(challenge: dict[str, Any], took: int = 5) -> str:
    """Find the hidden number as a browser would, and wrap it as the ALTCHA payload."""
    for number in range(challenge["maxnumber"] + 1):
        digest = hashlib.sha256(f"{challenge['salt']}{number}".encode()).hexdigest()
        if digest == challenge["challenge"]:
            return payload(challenge, number, took)
    raise AssertionError("the challenge has no solution")


def payload(challenge: dict[str, Any], number: int, took: int = 5) -> str:
    fields = {k: challenge[k] for k in ("algorithm", "challenge", "salt", "signature")}
    data = {**fields, "number": number, "took": took}
    return base64.b64encode(json.dumps(data).encode()).decode()


@pytest.fixture
def guarded(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    """Services that ask for proof of work and at least 3 seconds per comment."""
    gate = {**OPEN_GATE, "proof_of_work": True, "min_submit_seconds": 3}
    svc = build(with_overrides(settings, abuse=gate), clock=clock)
    svc.sites.ensure_default()
    yield svc
    svc.close()


@pytest.fixture
def api(guarded: Services) -> Iterator[TestClient]:
    with TestClient(create_app(guarded)) as client:
        yield client


def challenge(client: TestClient, site: str = "default") -> dict[str, Any]:
    response = client.get("/api/challenge", params={"site": site})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    data: dict[str, Any] = response.json()
    return data


def send(client: TestClient, proof: str | None, text: str = "hello", **extra: str) -> Any:
    body: dict[str, Any] = {"site": "default", "uri": "/t", "text": text, **extra}
    if proof is not None:
        body["altcha"] = proof
    return client.post("/api/comments", json=body)


def test_challenges_follow_the_altcha_format(api: TestClient) -> None:
    issued = challenge(api)
    assert set(issued) == {"algorithm", "challenge", "maxnumber", "salt", "signature"}
    assert issued["algorithm"] == "SHA-256" and issued["maxnumber"] == 50000
    assert re.fullmatch(r"[0-9a-f]{64}", issued["challenge"])
    assert re.fullmatch(r"[0-9a-f]{64}", issued["signature"])
    assert "?expires=" in issued["salt"]
    assert api.get("/api/site", params={"site": "default"}).json()["proof_of_work"] is True


def test_a_solution_works_once(api: TestClient, clock: FakeClock) -> None:
    proof = solve(challenge(api))
    clock.advance(3)
    sent = send(api, proof)
    assert sent.status_code == 201, sent.text
    replayed = send(api, proof, text="again")
    assert replayed.status_code == 403
    assert replayed.json() == {
        "error": "pow_replayed",
        "message": "This solution was used already.",
        "field": "altcha",
    }
    fresh = solve(challenge(api))
    clock.advance(3)
    assert send(api, fresh, text="again").status_code == 201


def test_a_comment_refused_for_another_reason_keeps_its_solution(
    api: TestClient, clock: FakeClock
) -> None:
    proof = solve(challenge(api))
    clock.advance(3)
    assert send(api, proof, text="x", parent="99999").status_code == 422
    assert send(api, proof, text="x").status_code == 201


def test_forged_and_wrong_solutions_are_refused(api: TestClient, clock: FakeClock) -> None:
    issued = challenge(api)
    good = json.loads(base64.b64decode(solve(issued)))
    clock.advance(3)
    wrong_number = payload(issued, (good["number"] + 1) % (issued["maxnumber"] + 1))
    # A challenge the attacker made up and solved: its signature cannot be right.
    salt = "0" * 24 + "?expires=9999999999&site=default&at=0"
    made_up = {
        "algorithm": "SHA-256",
        "salt": salt,
        "challenge": hashlib.sha256(f"{salt}1".encode()).hexdigest(),
        "signature": "ab" * 32,
    }
    other_site = solve(challenge_for_other_site(api))
    cases = {
        wrong_number: "pow_invalid",
        payload(made_up, 1): "pow_invalid",
        other_site: "pow_invalid",
        "not base64 at all": "pow_invalid",
        base64.b64encode(b"[1, 2]").decode(): "pow_invalid",
        base64.b64encode(b'{"algorithm": "SHA-256"}').decode(): "pow_invalid",
    }
    for proof, code in cases.items():
        refused = send(api, proof)
        assert refused.status_code == 403, proof
        assert refused.json()["error"] == code and refused.json()["field"] == "altcha"
    missing = send(api, None)
    assert missing.status_code == 403 and missing.json()["error"] == "pow_required"
    assert api.get("/api/thread", params={"site": "default", "uri": "/t"}).json()["total"] == 0


def challenge_for_other_site(api: TestClient) -> dict[str, Any]:
    services: Services = api.app.state.services  # type: ignore[attr-defined]
    services.sites.add("other")
    return challenge(api, "other")


def test_an_expired_challenge_is_refused(api: TestClient, clock: FakeClock) -> None:
    proof = solve(challenge(api))
    clock.advance(601)
    refused = send(api, proof)
    assert refused.status_code == 403 and refused.json()["error"] == "pow_expired"


def test_sending_sooner_than_a_person_writes_is_refused(api: TestClient, clock: FakeClock) -> None:
    proof = solve(challenge(api))
    clock.advance(1)
    refused = send(api, proof)
    assert refused.status_code == 403 and refused.json()["error"] == "too_fast"
    clock.advance(2)
    sent = send(api, proof)
    assert sent.status_code == 201, sent.text


def test_the_trap_field_refuses_programs(api: TestClient, clock: FakeClock) -> None:
    proof = solve(challenge(api))
    clock.advance(3)
    refused = send(api, proof, url="https://spam.example")
    assert refused.status_code == 403 and refused.json()["error"] == "automated"
    assert send(api, proof, url="").status_code == 201


def test_challenges_get_harder_under_a_flood(settings: Settings, clock: FakeClock) -> None:
    gate = {**OPEN_GATE, "pow_flood_posts": 5, "pow_max_factor": 4}
    svc = build(with_overrides(settings, abuse=gate), clock=clock)
    svc.sites.ensure_default()
    svc.sites.add("calm")
    try:
        assert svc.comments.challenge("default").maxnumber == 50000
        for n in range(6):
            post_as(svc, f"192.0.2.{n}", f"flood {n}")
        assert svc.comments.challenge("default").maxnumber == 100000  # 6 > 5: twice as hard
        for n in range(20):
            post_as(svc, f"198.51.100.{n}", f"more {n}")
        assert svc.comments.challenge("default").maxnumber == 200000  # at most 4 times
        assert svc.comments.challenge("calm").maxnumber == 50000  # other sites are not affected
    finally:
        svc.close()


def post_as(svc: Services, ip: str, text: str, uri: str = "/t") -> Status:
    new = NewComment(site_id="default", uri=uri, text=text)
    return svc.comments.post(new, ClientInfo(ip=ip)).comment.status


def test_clients_and_threads_have_limits(settings: Settings, clock: FakeClock) -> None:
    gate = {**OPEN_GATE, "client_rate": "2/minute", "thread_rate": "3/minute"}
    svc = build(with_overrides(settings, abuse=gate), clock=clock)
    svc.sites.ensure_default()
    try:
        post_as(svc, "192.0.2.1", "one")
        post_as(svc, "192.0.2.1", "two")
        with pytest.raises(RateLimited) as caught:
            post_as(svc, "192.0.2.1", "three")
        assert 55 <= caught.value.retry_after <= 60
        assert "too often" in caught.value.message
        post_as(svc, "192.0.2.2", "someone else")  # the thread's third comment this minute
        with pytest.raises(RateLimited) as caught:
            post_as(svc, "192.0.2.3", "a fourth client")
        assert "thread" in caught.value.message
        post_as(svc, "192.0.2.3", "elsewhere", uri="/other")  # other threads are open
    finally:
        svc.close()


def test_rate_limit_settings_are_checked() -> None:
    from yorum.settings import SettingsError

    with pytest.raises(SettingsError) as caught:
        load(None, {"YORUM_ABUSE_CLIENT_RATE": "lots"})
    assert "abuse.client_rate: expected limits like" in str(caught.value)
    assert load(None, {"YORUM_ABUSE_CLIENT_RATE": ""}).abuse.client_rate == ""


@needs_redis
def test_limits_are_shared_through_redis() -> None:
    key = uuid.uuid4().hex
    first = PostLimits("2/minute", "", REDIS_URL)
    second = PostLimits("2/minute", "", REDIS_URL)
    first.hit(key, "thread")
    second.hit(key, "thread")
    with pytest.raises(RateLimited):
        first.hit(key, "thread")
    assert first.shared and second.shared


def test_with_redis_away_limits_fall_back_to_this_process(caplog: pytest.LogCaptureFixture) -> None:
    limits = PostLimits("2/minute", "", f"redis://127.0.0.1:{free_port()}/0")
    limits.hit("client", "thread")
    limits.hit("client", "thread")
    with pytest.raises(RateLimited):
        limits.hit("client", "thread")
    assert not limits.shared
    assert "Redis unreachable" in caplog.text


# -- the plain page -----------------------------------------------------------------------


def page_stamp(client: TestClient, uri: str = "/t") -> str:
    page = client.get("/t/default", params={"uri": uri}).text
    found = re.search(r'name="stamp" value="([^"]+)"', page)
    assert found
    assert 'name="url"' in page and 'tabindex="-1"' in page  # the trap, out of reach
    return found.group(1)


def test_the_plain_form_holds_comments_it_cannot_prove(api: TestClient, clock: FakeClock) -> None:
    stamp = page_stamp(api)
    clock.advance(3)
    form = {"uri": "/t", "text": "no scripts here", "stamp": stamp}
    response = api.post("/t/default", data=form, follow_redirects=False)
    assert response.status_code == 303 and "held=" in response.headers["location"]
    services: Services = api.app.state.services  # type: ignore[attr-defined]
    (pending,) = services.moderation.pending("default")
    assert pending.comment.text_raw == "no scripts here"


def test_the_plain_form_without_proof_of_work_needed_is_shown_at_once(
    client: TestClient, clock: FakeClock
) -> None:
    response = client.post(
        "/t/default",
        data={"uri": "/t", "text": "open gate", "stamp": page_stamp(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303 and "posted=" in response.headers["location"]


def test_unproven_clients_are_held_under_proof_of_work_and_still_limited(
    settings: Settings, clock: FakeClock
) -> None:
    """Clients that can solve no challenge and carry no stamp (Isso's, through the
    Isso-compatible API): held while proof of work is on, published when it is off; the
    rate limits hold for them all the same."""
    unproven = ClientInfo(ip="192.0.2.7", unproven=True)
    for proof_of_work, expected in ((True, Status.PENDING), (False, Status.APPROVED)):
        gate = {**OPEN_GATE, "proof_of_work": proof_of_work, "client_rate": "1/minute",
                "min_submit_seconds": 3}  # fmt: skip
        svc = build(with_overrides(settings, abuse=gate), clock=clock)
        svc.sites.ensure_default()
        try:
            new = NewComment(site_id="default", uri=f"/u{proof_of_work}", text="from Isso")
            comment = svc.comments.post(new, unproven).comment
            assert comment.status is expected
            assert comment.hold_reason == (UNPROVEN_REASON if proof_of_work else "")
            with pytest.raises(RateLimited):
                svc.comments.post(replace(new, text="again"), unproven)
        finally:
            svc.close()
        clock.advance(61)


def test_the_plain_form_checks_its_stamp_time_and_trap(api: TestClient, clock: FakeClock) -> None:
    stamp = page_stamp(api)
    quick = api.post("/t/default", data={"uri": "/t", "text": "quick", "stamp": stamp})
    assert quick.status_code == 403 and "take a few seconds" in quick.text
    assert "quick" in quick.text  # the reader's text is not lost
    clock.advance(3)
    for bad in ("", "123.default.forged", stamp.replace("default", "other")):
        refused = api.post("/t/default", data={"uri": "/t", "text": "x", "stamp": bad})
        assert refused.status_code == 422 and "form is too old" in refused.text
    trapped = api.post(
        "/t/default", data={"uri": "/t", "text": "x", "stamp": stamp, "url": "http://x"}
    )
    assert trapped.status_code == 403 and "looks automated" in trapped.text


# -- a flood against a running server ------------------------------------------------------


def test_a_flood_from_one_client_leaves_others_unharmed(tmp_path: Path) -> None:
    """2,000 attempts from one client: at most its limit is taken; others post and read."""
    data = tmp_path / "data"
    server = Server(
        data,
        f"sqlite:///{data / 'yorum.sqlite3'}",
        env={"YORUM_ABUSE_CLIENT_RATE": "5/10 seconds; 20/minute"},
    )
    server.start()
    accepted, refused, other = [], [], []
    read_times: list[float] = []
    flooding = threading.Event()
    flooding.set()

    def flood(n: int) -> None:
        body = {"site": "default", "uri": "/flood", "text": f"buy now {n}"}
        headers = {"x-forwarded-for": "203.0.113.66"}
        response = pool_client.post(f"{server.url}/api/comments", json=body, headers=headers)
        (accepted if response.status_code == 201 else refused).append(response)

    def bystander() -> None:
        with httpx.Client(timeout=10) as client:
            for n in range(3):
                body = {"site": "default", "uri": "/flood", "text": f"a real reader {n}"}
                headers = {"x-forwarded-for": f"198.51.100.{n + 1}"}
                other.append(client.post(f"{server.url}/api/comments", json=body, headers=headers))
            while flooding.is_set():
                started = time.monotonic()
                client.get(f"{server.url}/api/thread", params={"site": "default", "uri": "/flood"})
                read_times.append(time.monotonic() - started)

    try:
        limits = httpx.Limits(max_connections=16)
        with httpx.Client(timeout=30, limits=limits) as pool_client:
            reader = threading.Thread(target=bystander)
            started = time.monotonic()
            reader.start()
            with ThreadPoolExecutor(max_workers=16) as pool:
                list(pool.map(flood, range(2000)))
            elapsed = time.monotonic() - started
            flooding.clear()
            reader.join()
    finally:
        server.stop()
    assert elapsed < 60, f"the flood took {elapsed:.0f} s"
    assert 1 <= len(accepted) <= 20  # 5 per 10 s and 20 a minute, however fast it comes
    assert len(accepted) + len(refused) == 2000
    assert {r.status_code for r in refused} == {429}
    assert all(int(r.headers["retry-after"]) >= 1 for r in refused)
    assert [r.status_code for r in other] == [201, 201, 201]
    assert read_times and max(read_times) < 2.0, f"slowest read {max(read_times):.2f} s"
