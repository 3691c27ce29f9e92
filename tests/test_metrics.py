"""Metrics in one process: who may scrape, what is counted, and how it is labelled.

Counters live for the whole test process, so tests compare a scrape before and after.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from tests.conftest import post
from yorum.models import Policy
from yorum.services import Services
from yorum.settings import with_overrides
from yorum.storage import outbox as outbox_rows
from yorum.web import create_app

LOOPBACK = ("127.0.0.1", 40000)

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    """Every sample of a scrape, keyed by name and labels."""
    found: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found: Samples, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def local(services: Services) -> Iterator[TestClient]:
    """A client on the loopback address, which ``metrics.allow`` admits by default."""
    with TestClient(create_app(services), client=LOOPBACK) as test_client:
        yield test_client


def scrape(client: TestClient) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


def test_metrics_are_refused_to_other_networks_with_a_problem_body(client: TestClient) -> None:
    response = client.get("/metrics")  # the test client's address is not loopback
    assert response.status_code == 403
    assert response.json()["error"] == "metrics_forbidden"


def test_a_listed_network_or_the_bearer_token_admits(services: Services) -> None:
    settings = with_overrides(
        services.settings, metrics={"allow": "192.0.2.0/24", "token": "s3cret-token"}
    )
    services.settings = settings
    app = create_app(services)
    with TestClient(app, client=("192.0.2.7", 1234)) as inside:
        assert inside.get("/metrics").status_code == 200
    with TestClient(app, client=("198.51.100.1", 1234)) as outside:
        assert outside.get("/metrics").status_code == 403
        wrong = outside.get("/metrics", headers={"authorization": "Bearer nope"})
        assert wrong.status_code == 403
        right = outside.get("/metrics", headers={"authorization": "Bearer s3cret-token"})
        assert right.status_code == 200
    with TestClient(app, client=LOOPBACK) as loopback:  # no longer listed
        assert loopback.get("/metrics").status_code == 403


def test_switched_off_metrics_are_not_found(services: Services) -> None:
    services.settings = with_overrides(services.settings, metrics={"enabled": False})
    with TestClient(create_app(services), client=LOOPBACK) as test_client:
        response = test_client.get("/metrics")
        assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_requests_are_labelled_by_route_template_never_by_path(local: TestClient) -> None:
    before = scrape(local)
    created = post(local, "labels", uri="/a/very/private/page")
    local.get("/api/thread", params={"site": "default", "uri": "/a/very/private/page"})
    comment_id = created["comment"]["id"]  # type: ignore[index]
    local.get(f"/api/comments/{comment_id}")  # no edit token: 403
    local.get("/no/such/path/here")
    text = local.get("/metrics").text
    after = samples(text)
    assert "private" not in text and "/no/such" not in text
    route = "/api/comments/{id}"
    assert value(after, "yorum_http_requests_total", method="GET", route=route, status="403") == (
        value(before, "yorum_http_requests_total", method="GET", route=route, status="403") + 1
    )
    for labels in (
        {"method": "POST", "route": "/api/comments", "status": "201"},
        {"method": "GET", "route": "/api/thread", "status": "200"},  # the fast layer's answer
        {"method": "GET", "route": "unmatched", "status": "404"},
    ):
        grown = value(after, "yorum_http_requests_total", **labels) - value(
            before, "yorum_http_requests_total", **labels
        )
        assert grown == 1, labels
    timed = {"method": "GET", "route": "/api/thread"}
    assert value(after, "yorum_http_request_duration_seconds_count", **timed) == (
        value(before, "yorum_http_request_duration_seconds_count", **timed) + 1
    )
    fastest = value(after, "yorum_http_request_duration_seconds_bucket", **timed, le="0.001")
    assert fastest <= value(after, "yorum_http_request_duration_seconds_bucket", **timed, le="10.0")


def test_unknown_methods_share_one_label(local: TestClient) -> None:
    local.request("BREW", "/api/thread")
    text = local.get("/metrics").text
    assert "BREW" not in text and 'method="other"' in text


def test_every_response_carries_a_request_id_and_a_good_one_sent_is_kept(
    local: TestClient,
) -> None:
    made = local.get("/healthz").headers["x-request-id"]
    assert len(made) == 16 and int(made, 16) >= 0
    kept = local.get("/healthz", headers={"x-request-id": "lb-7f3a:42"})
    assert kept.headers["x-request-id"] == "lb-7f3a:42"
    for bad in ("has space", "x" * 129, "semi;colon", "\u00e9t\u00e9"):
        replaced = local.get("/healthz", headers={"x-request-id": bad.encode("latin-1")})
        assert replaced.headers["x-request-id"] not in (bad, "")
        assert len(replaced.headers["x-request-id"]) == 16
    fast = local.get("/api/thread", params={"site": "default", "uri": "/none"})
    assert len(fast.headers["x-request-id"]) == 16


def test_comments_are_counted_by_outcome_and_refusals_by_code(
    local: TestClient, services: Services
) -> None:
    before = scrape(local)
    post(local, "one published")
    local.post("/api/comments", json={"site": "default", "uri": "/t", "text": "one published"})
    services.sites.update("default", policy=Policy.HOLD_ALL)
    post(local, "one held")
    after = scrape(local)

    def grown(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grown("yorum_comments_total", outcome="published") == 1
    assert grown("yorum_comments_total", outcome="held") == 1
    assert grown("yorum_comments_total", outcome="rejected") == 1  # the duplicate
    assert grown("yorum_comments_rejected_total", code="duplicate") == 1


def test_the_moderation_queue_and_outbox_are_read_from_the_database(
    local: TestClient, services: Services
) -> None:
    services.sites.update("default", policy=Policy.HOLD_ALL)
    post(local, "held for a moderator")
    post(local, "another held one")
    services.sites.update("default", policy=Policy.OPEN)
    published = post(local, "reported by a reader")["comment"]
    reported = local.post(f"/api/comments/{published['id']}/report", json={"reason": "spam"})  # type: ignore[index]
    assert reported.status_code == 200, reported.text
    with services.store.write() as tx:
        outbox_rows.add(
            tx, channel="webhook", kind="event", site_id="default", recipient="1",
            payload={}, now=services.comments.clock() - 60,
        )  # fmt: skip
    found = scrape(local)
    assert value(found, "yorum_database_up") == 1
    assert value(found, "yorum_moderation_queue", site="default", queue="pending") == 2
    assert value(found, "yorum_moderation_queue", site="default", queue="reported") == 1
    assert value(found, "yorum_outbox_messages", channel="webhook", state="undelivered") == 1
    assert value(found, "yorum_outbox_messages", channel="email", state="dead") == 0
    assert value(found, "yorum_outbox_oldest_undelivered_seconds") > 0


def test_page_cache_hits_and_misses_are_counted(local: TestClient) -> None:
    post(local, "cached")
    params = {"site": "default", "uri": "/t"}
    before = scrape(local)
    local.get("/api/thread", params=params)
    local.get("/api/thread", params=params)
    after = scrape(local)
    hits = value(after, "yorum_page_cache_lookups_total", result="hit") - value(
        before, "yorum_page_cache_lookups_total", result="hit"
    )
    misses = value(after, "yorum_page_cache_lookups_total", result="miss") - value(
        before, "yorum_page_cache_lookups_total", result="miss"
    )
    assert (hits, misses) == (1, 1)


def test_the_database_pool_is_reported(local: TestClient, services: Services) -> None:
    with services.store.read(), services.store.read():  # two connections in use
        found = scrape(local)
    assert value(found, "yorum_db_pool_size") == 8
    assert value(found, "yorum_db_pool_checked_out") >= 2
    assert value(found, "yorum_db_pool_overflow") == 0
