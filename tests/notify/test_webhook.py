"""Webhooks: signing checked by a third-party verifier, delivery to a real HTTP receiver
and how its answers are judged, the endpoints' rules and storage, and the CLI."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from standardwebhooks import Webhook as Verifier
from standardwebhooks import WebhookVerificationError

from tests.receiver import Answer, Receiver
from tests.servers import free_port
from yorum import __version__
from yorum.cli import main
from yorum.errors import Invalid, NotFound, UnknownSite
from yorum.models import Webhook
from yorum.notify import DeliveryFailed
from yorum.notify.webhook import (
    EVENT_TYPES,
    Webhooks,
    WebhookSender,
    new_secret,
    sign,
    wants,
)
from yorum.services import Services
from yorum.settings import NotifySettings
from yorum.storage import audit

PAYLOAD = {"site": "default", "uri": "/posts/1", "comment": {"id": 7, "text": "Merhaba dünya"}}


def hook_for(url: str, *, secret: str | None = None, events: tuple[str, ...] = ("*",)) -> Webhook:
    """An endpoint as the database would hand it over."""
    return Webhook(1, "default", url, secret or new_secret(), events, True, 0.0)


def send(
    hook: Webhook,
    *,
    timeout: int = 10,
    msg_id: str = "msg_1",
    event_type: str = "comment.created",
    payload: Mapping[str, Any] = PAYLOAD,
    **options: Any,
) -> int:
    """Deliver one event with a sender of its own, as the worker would from a task."""

    async def deliver() -> int:
        async with WebhookSender(NotifySettings(webhook_timeout=timeout)) as sender:
            return await sender.deliver(
                hook, msg_id=msg_id, event_type=event_type, payload=payload, **options
            )

    return asyncio.run(deliver())


def failure(hook: Webhook, **options: Any) -> DeliveryFailed:
    with pytest.raises(DeliveryFailed) as caught:
        send(hook, **options)
    return caught.value


# -- signing -------------------------------------------------------------------------


def test_sign_matches_the_specifications_example() -> None:
    signature = sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        b'{"test": 2432232314}',
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_a_third_party_verifier_accepts_the_signature_and_refuses_tampering() -> None:
    secret, now = new_secret(), int(time.time())
    body = json.dumps({"type": "comment.created", "data": {"id": 1}}).encode()

    def headers(timestamp: int, signed: bytes = body) -> dict[str, str]:
        return {
            "webhook-id": "msg_9",
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, "msg_9", timestamp, signed),
        }

    assert Verifier(secret).verify(body, headers(now)) == {
        "type": "comment.created",
        "data": {"id": 1},
    }
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Verifier(secret).verify(body.replace(b"1", b"2"), headers(now))
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Verifier(new_secret()).verify(body, headers(now))
    with pytest.raises(WebhookVerificationError, match="too old"):
        Verifier(secret).verify(body, headers(now - 600))


def test_new_secrets_are_random_base64_of_32_bytes() -> None:
    first, second = new_secret(), new_secret()
    assert first != second
    assert first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"), validate=True)) == 32


@pytest.mark.parametrize("secret", ["whsec_not base64!", "whsec_", ""])
def test_sign_refuses_a_secret_that_is_not_base64(secret: str) -> None:
    with pytest.raises(ValueError, match="webhook secret"):
        sign(secret, "msg_1", 1, b"{}")


def test_wants_follows_the_event_list_and_the_active_switch() -> None:
    everything = hook_for("http://x", events=("*",))
    held_only = hook_for("http://x", events=("comment.held",))
    assert all(wants(everything, t) for t in EVENT_TYPES)
    assert wants(held_only, "comment.held") and not wants(held_only, "comment.created")
    off = Webhook(2, "default", "http://x", new_secret(), ("*",), False, 0.0)
    assert not wants(off, "comment.held")


def test_the_secret_stays_out_of_repr() -> None:
    hook = hook_for("http://x")
    assert hook.secret not in repr(hook)


# -- delivery to a real receiver -------------------------------------------------------


def test_delivery_is_signed_json_a_third_party_verifies(receiver: Receiver) -> None:
    hook = hook_for(receiver.url)
    receiver.secret = hook.secret
    before = int(time.time())
    assert send(hook, msg_id="msg_42", event_type="comment.held") == 200
    (got,) = receiver.requests
    assert got.verified, got.error
    assert got.method == "POST" and got.path == "/hook"
    assert got.headers["content-type"] == "application/json"
    assert got.headers["user-agent"] == f"yorum/{__version__}"
    assert got.headers["webhook-id"] == "msg_42"
    assert before <= int(got.headers["webhook-timestamp"]) <= time.time()
    assert got.headers["webhook-signature"].startswith("v1,")
    # compact UTF-8 JSON with the type, an ISO 8601 UTC time and the payload
    assert got.body == json.dumps(got.json(), separators=(",", ":"), ensure_ascii=False).encode()
    assert "dünya".encode() in got.body
    assert set(got.json()) == {"type", "timestamp", "data"}
    assert got.json()["type"] == "comment.held" and got.json()["data"] == PAYLOAD
    stamp = got.json()["timestamp"]
    assert stamp.endswith("Z") and abs(datetime.fromisoformat(stamp).timestamp() - before) < 5


def test_the_body_timestamp_is_when_the_event_occurred(receiver: Receiver) -> None:
    hook = hook_for(receiver.url)
    receiver.secret = hook.secret
    send(hook, occurred=1_800_000_000.5)
    assert receiver.requests[0].verified
    assert receiver.requests[0].json()["timestamp"] == "2027-01-15T08:00:00.500Z"
    assert datetime(2027, 1, 15, 8, tzinfo=UTC).timestamp() == 1_800_000_000


def test_retries_of_one_message_keep_its_id_and_verify_each_time(receiver: Receiver) -> None:
    hook = hook_for(receiver.url)
    receiver.secret = hook.secret
    receiver.script(500, 500, 500)
    for _ in range(3):
        assert failure(hook, msg_id="msg_7").retry
    assert send(hook, msg_id="msg_7") == 200
    assert [r.status for r in receiver.requests] == [500, 500, 500, 200]
    assert {r.headers["webhook-id"] for r in receiver.requests} == {"msg_7"}
    assert all(r.verified for r in receiver.requests)


@pytest.mark.parametrize("status", [200, 201, 202, 204])
def test_2xx_returns_the_status(receiver: Receiver, status: int) -> None:
    receiver.script(status)
    assert send(hook_for(receiver.url)) == status


@pytest.mark.parametrize(
    ("status", "retry"),
    [(500, True), (502, True), (503, True), (429, True), (408, True),
     (410, False), (400, False), (401, False), (404, False), (422, False)],
)  # fmt: skip
def test_failures_say_whether_to_retry(receiver: Receiver, status: int, retry: bool) -> None:
    receiver.script(Answer(status, b"  the reason\n given  "))
    failed = failure(hook_for(receiver.url))
    assert failed.retry is retry
    assert str(failed).startswith(f"HTTP {status} ")
    assert str(failed).endswith(": the reason given")


def test_a_long_answer_is_quoted_short(receiver: Receiver) -> None:
    receiver.script(Answer(500, b"x" * 100_000))
    message = str(failure(hook_for(receiver.url)))
    assert message.endswith("x" * 200 + "…") and len(message) < 300


def test_redirects_are_not_followed(receiver: Receiver) -> None:
    elsewhere = receiver.url + "/moved"
    receiver.script(
        Answer(302, headers={"location": elsewhere}), Answer(308, headers={"location": elsewhere})
    )
    temporary = failure(hook_for(receiver.url))
    assert temporary.retry and elsewhere in str(temporary) and "HTTP 302" in str(temporary)
    permanent = failure(hook_for(receiver.url))
    assert not permanent.retry and "HTTP 308" in str(permanent)
    assert [r.path for r in receiver.requests] == ["/hook", "/hook"]


def test_a_receiver_slower_than_the_timeout_is_retried(receiver: Receiver) -> None:
    receiver.script(Answer(200, delay=5))
    started = time.monotonic()
    failed = failure(hook_for(receiver.url), timeout=1)
    assert failed.retry and "no answer within 1 s" in str(failed)
    assert time.monotonic() - started < 4
    assert len(receiver.requests) == 1


def test_an_endpoint_that_is_down_is_retried() -> None:
    failed = failure(hook_for(f"http://127.0.0.1:{free_port()}/hook"))
    assert failed.retry and "could not reach the endpoint" in str(failed)


def test_a_url_that_cannot_be_posted_to_is_not_retried() -> None:
    failed = failure(hook_for("ftp://127.0.0.1/hook"))
    assert not failed.retry and "cannot post to this URL" in str(failed)


def test_an_unusable_secret_is_not_retried(receiver: Receiver) -> None:
    failed = failure(hook_for(receiver.url, secret="whsec_***"))
    assert not failed.retry and "secret" in str(failed)
    assert receiver.requests == []


def test_a_stale_timestamp_is_refused_by_the_receiver(receiver: Receiver) -> None:
    hook = hook_for(receiver.url)
    receiver.secret = hook.secret
    failed = failure(hook, timestamp=int(time.time()) - 600)
    assert not failed.retry and "HTTP 401" in str(failed)
    assert not receiver.requests[0].verified and "too old" in receiver.requests[0].error


def test_a_wrong_secret_is_refused_by_the_receiver(receiver: Receiver) -> None:
    receiver.secret = new_secret()
    failure(hook_for(receiver.url))
    assert "No matching signature" in receiver.requests[0].error


# -- endpoints: rules, storage (SQLite and PostgreSQL), audit --------------------------


def test_endpoints_are_added_listed_switched_and_removed(
    services: Services, receiver: Receiver
) -> None:
    hooks = Webhooks(services.store, services.sites.clock)
    services.sites.add("blog")
    first = hooks.add("default", receiver.url, actor="ann")
    second = hooks.add("default", "https://h.example/x?k=1", ["comment.held", "comment.held"],
                       actor="ann")  # fmt: skip
    other = hooks.add("blog", "https://h.example/blog", ("comment.approved,comment.reported",),
                      actor="ann")  # fmt: skip
    assert first.events == ("*",) and first.active and first.secret.startswith("whsec_")
    assert second.events == ("comment.held",)
    assert other.events == ("comment.approved", "comment.reported")
    assert hooks.list("default") == [first, second]
    assert hooks.list("blog") == [other]
    assert hooks.get(second.id) == second

    off = hooks.set_active("default", first.id, False, actor="bob")
    assert not off.active and hooks.get(first.id) == off and not wants(off, "comment.held")
    assert hooks.set_active("default", first.id, True, actor="bob").active

    hooks.remove("default", second.id, actor="bob")
    assert hooks.list("default") == [hooks.get(first.id)]
    with pytest.raises(NotFound):
        hooks.get(second.id)
    with pytest.raises(NotFound):
        hooks.remove("default", other.id, actor="bob")  # another site's endpoint
    with pytest.raises(NotFound):
        hooks.set_active("default", other.id, False, actor="bob")
    assert hooks.list("blog") == [other]

    with services.store.read() as tx:
        entries = audit.recent(tx, "default", 10)
    assert [(e.actor, e.action) for e in reversed(entries)] == [
        ("ann", "webhook add"), ("ann", "webhook add"), ("bob", "webhook disable"),
        ("bob", "webhook enable"), ("bob", "webhook remove"),
    ]  # fmt: skip
    assert all(first.secret not in e.reason for e in entries)
    assert f"webhook {second.id} https://h.example/x?k=1" in entries[0].reason


def test_an_added_endpoint_receives_verified_events(services: Services, receiver: Receiver) -> None:
    hook = Webhooks(services.store).add("default", receiver.url, ["comment.created"], actor="a")
    receiver.secret = hook.secret
    stored = Webhooks(services.store).get(hook.id)
    assert send(stored) == 200 and receiver.requests[0].verified


@pytest.mark.parametrize(
    ("url", "events", "field", "says"),
    [
        ("ftp://h.example/x", ("*",), "url", "http:// or https://"),
        ("javascript:alert(1)", ("*",), "url", "http:// or https://"),
        ("https:///path", ("*",), "url", "http:// or https://"),
        ("https://user:pw@h.example/x", ("*",), "url", "no user name or password"),
        ("https://token@h.example/x", ("*",), "url", "no user name or password"),
        ("https://h.example/" + "a" * 2000, ("*",), "url", "at most 2000"),
        ("https://h.example/a b", ("*",), "url", "no spaces"),
        ("https://h.example:99999/x", ("*",), "url", "invalid port"),
        ("https://h.example/x#top", ("*",), "url", "no #fragment"),
        ("", ("*",), "url", "Give the URL"),
        ("https://h.example/x", ("comment.deleted",), "events", "Unknown event type"),
        ("https://h.example/x", (), "events", "at least one"),
        ("https://h.example/x", (" , ",), "events", "at least one"),
    ],
)
def test_bad_endpoints_are_invalid(
    services: Services, url: str, events: tuple[str, ...], field: str, says: str
) -> None:
    with pytest.raises(Invalid, match=says) as caught:
        Webhooks(services.store).add("default", url, events, actor="a")
    assert caught.value.field == field
    assert Webhooks(services.store).list("default") == []


def test_a_too_long_url_has_the_too_long_code(services: Services) -> None:
    with pytest.raises(Invalid) as caught:
        Webhooks(services.store).add("default", "https://h.example/" + "a" * 2000, actor="a")
    assert caught.value.code == "too_long"


def test_an_unknown_site_has_no_endpoints(services: Services) -> None:
    with pytest.raises(UnknownSite):
        Webhooks(services.store).add("nosuch", "https://h.example/x", actor="a")
    with pytest.raises(UnknownSite):
        Webhooks(services.store).list("nosuch")


# -- the command line ------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_adds_lists_and_removes_endpoints(tmp_path: Path, receiver: Receiver) -> None:
    data = ("--data-dir", str(tmp_path / "d"))
    assert run("site", "add", "blog", *data)[0] == 0
    code, out, err = run("webhook", "add", "blog", receiver.url, "--event", "comment.held",
                         "--event", "comment.approved", *data)  # fmt: skip
    assert code == 0, err
    assert f"added webhook 1 for blog: {receiver.url} (comment.held,comment.approved)" in out
    secret = out.split("secret: ")[1].split()[0]
    assert "only once" in err
    code, out, _ = run("webhook", "add", "blog", "https://h.example/all", *data)
    assert code == 0 and "(*)" in out

    code, out, _ = run("webhook", "list", "blog", *data)
    assert code == 0 and "whsec_" not in out
    assert out.splitlines() == [
        f"1\tactive\tcomment.held,comment.approved\t{receiver.url}",
        "2\tactive\t*\thttps://h.example/all",
    ]
    code, out, _ = run("webhook", "list", "blog", "--json", *data)
    rows = json.loads(out)
    assert code == 0 and "whsec_" not in out
    assert [(r["id"], r["url"], r["events"], r["active"]) for r in rows] == [
        (1, receiver.url, ["comment.held", "comment.approved"], True),
        (2, "https://h.example/all", ["*"], True),
    ]

    # the printed secret is the one deliveries are signed with
    receiver.secret = secret
    assert send(hook_for(receiver.url, secret=secret)) == 200
    assert receiver.requests[0].verified

    code, out, _ = run("webhook", "remove", "blog", "1", *data)
    assert code == 0 and out.strip() == "webhook 1 removed"
    assert json.loads(run("webhook", "list", "blog", "--json", *data)[1])[0]["id"] == 2
    code, _, err = run("webhook", "remove", "blog", "1", *data)
    assert code == 1 and err.startswith("error: ") and "no webhook 1" in err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("webhook", "add", "blog", "https://h.example/x", "--event", "comment.gone"),
         "Unknown event type 'comment.gone'"),
        (("webhook", "add", "blog", "https://u:p@h.example/x"), "no user name or password"),
        (("webhook", "add", "nosuch", "https://h.example/x"), "no site 'nosuch'"),
        (("webhook", "list", "nosuch"), "no site 'nosuch'"),
    ],
)  # fmt: skip
def test_cli_errors_name_the_problem(tmp_path: Path, args: tuple[str, ...], says: str) -> None:
    data = ("--data-dir", str(tmp_path / "d"))
    assert run("site", "add", "blog", *data)[0] == 0
    code, out, err = run(*args, *data)
    assert code == 1 and out == ""
    assert err.startswith("error: ") and says in err


def test_cli_refuses_an_id_that_is_not_a_number(tmp_path: Path) -> None:
    code, _, err = run("webhook", "remove", "blog", "x", "--data-dir", str(tmp_path / "d"))
    assert code == 2 and "ID" in err
