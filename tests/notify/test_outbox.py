"""The outbox: what each change queues (in its own transaction), leased claims, and the
worker's retries, backoff, dead messages and digests (channels here are test channels;
real SMTP and HTTP deliveries are in test_delivery.py)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from tests.conftest import PG_URL, FakeClock
from yorum.errors import DuplicateComment
from yorum.models import ClientInfo, NewComment, NotifyMode, OutboxMessage, Policy
from yorum.moderation.queue import Action
from yorum.notify import DeliveryFailed, Dropped
from yorum.notify.worker import DeliveryWorker
from yorum.services import Services, build
from yorum.settings import Settings, with_overrides
from yorum.storage import outbox as outbox_rows
from yorum.storage import subscribers as subscriber_rows


@pytest.fixture
def mailing(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    """Services with a mail server configured (nothing is sent here) and a site that
    mails its moderator about each comment."""
    configured = with_overrides(settings, smtp={"host": "127.0.0.1", "port": 2525})
    services = build(configured, clock=clock)
    services.sites.add("blog", origins=["https://blog.example"], policy=Policy.OPEN)
    services.sites.update("blog", notify_emails=("mod@example.org",))
    yield services
    services.close()


def queued(services: Services, **where: str) -> list[OutboxMessage]:
    with services.store.read() as tx:
        found = outbox_rows.recent(tx, ["blog"], limit=1000)
    return sorted(
        (m for m in found if all(getattr(m, k) == v for k, v in where.items())),
        key=lambda m: m.id,
    )


def post(services: Services, text: str, ip: str = "10.0.0.1", **fields: object) -> int:
    new = NewComment(site_id="blog", uri="/a", text=text, **fields)  # type: ignore[arg-type]
    return services.comments.post(new, ClientInfo(ip)).comment.id


def test_a_new_comment_queues_a_mail_to_the_moderators(mailing: Services) -> None:
    first = post(mailing, "Hello there")
    [message] = queued(mailing)
    assert (message.channel, message.kind, message.recipient) == ("email", "moderator",
                                                                  "mod@example.org")  # fmt: skip
    assert message.payload == {"comment_id": first} and message.status == "pending"
    mailing.sites.update("blog", notify_mode=NotifyMode.DAILY)
    post(mailing, "Another one", ip="10.0.0.2")
    assert len(queued(mailing)) == 1  # daily: the digest will tell
    mailing.sites.update("blog", notify_mode=NotifyMode.EACH, policy=Policy.HOLD_ALL)
    held = post(mailing, "Held one", ip="10.0.0.3")
    assert queued(mailing)[-1].payload == {"comment_id": held}


def test_nothing_is_queued_without_a_mail_server(settings: Settings, clock: FakeClock) -> None:
    services = build(settings, clock=clock)
    try:
        services.sites.add("blog", origins=["*"])
        services.sites.update("blog", notify_emails=("mod@example.org",))
        post(services, "Hello", email="a@example.org", notify=True)
        assert queued(services) == []
    finally:
        services.close()


def test_a_refused_comment_queues_nothing(mailing: Services) -> None:
    post(mailing, "Same words")
    with pytest.raises(DuplicateComment):
        post(mailing, "Same words")
    assert len(queued(mailing)) == 1  # the first comment's only


def test_reply_mails_need_a_confirmed_address(mailing: Services, clock: FakeClock) -> None:
    mailing.sites.update("blog", notify_emails=())
    parent = post(mailing, "Tell me of replies", email="Ann@Example.org", notify=True)
    [confirm] = queued(mailing)
    assert (confirm.kind, confirm.recipient, confirm.payload) == (
        "confirm", "ann@example.org", {"comment_id": parent},
    )  # fmt: skip
    # a second comment asking again within a day sends no second confirmation
    post(mailing, "Me again", email="ann@example.org", notify=True)
    post(mailing, "A reply before confirming", ip="10.0.0.2", parent_id=parent)
    assert [m.kind for m in queued(mailing)] == ["confirm"]
    with mailing.store.write() as tx:
        subscriber_rows.confirm(tx, "blog", "ann@example.org", clock())
    reply = post(mailing, "A reply after", ip="10.0.0.3", parent_id=parent)
    assert queued(mailing)[-1].payload == {"parent_id": parent, "reply_id": reply}
    # her own reply to her own comment is not mailed to her
    post(mailing, "Answering myself", email="ann@example.org", parent_id=parent)
    assert len(queued(mailing, kind="reply")) == 1
    with mailing.store.write() as tx:
        subscriber_rows.unsubscribe(tx, "blog", "ann@example.org", clock())
    post(mailing, "After she left", ip="10.0.0.4", parent_id=parent)
    assert len(queued(mailing, kind="reply")) == 1
    # ticking the box again starts a new double opt-in
    clock.advance(10)
    post(mailing, "Back again", email="ann@example.org", notify=True, ip="10.0.0.5")
    assert len(queued(mailing, kind="confirm")) == 2


def test_a_held_reply_is_mailed_when_approved(mailing: Services, clock: FakeClock) -> None:
    mailing.sites.update("blog", notify_emails=())
    parent = post(mailing, "Tell me", email="ann@example.org", notify=True)
    with mailing.store.write() as tx:
        subscriber_rows.confirm(tx, "blog", "ann@example.org", clock())
    mailing.sites.update("blog", policy=Policy.HOLD_ALL)
    reply = post(mailing, "Held reply", ip="10.0.0.2", parent_id=parent)
    assert queued(mailing, kind="reply") == []
    mailing.moderation.act(Action.APPROVE, [reply], actor="mod")
    [mail] = queued(mailing, kind="reply")
    assert mail.payload == {"parent_id": parent, "reply_id": reply}
    mailing.moderation.act(Action.APPROVE, [reply], actor="mod")  # approving again: no mail
    assert len(queued(mailing, kind="reply")) == 1


def test_reports_that_hold_a_comment_tell_the_moderators(mailing: Services) -> None:
    from yorum.models import ReportReason

    mailing.sites.update("blog", report_threshold=1)
    comment = post(mailing, "Rude words")
    mailing.reports.report(comment, ReportReason.ABUSE, "", ClientInfo("10.9.9.9"))
    assert [m.kind for m in queued(mailing)] == ["moderator", "reported"]


def test_claims_are_leased(mailing: Services, clock: FakeClock) -> None:
    post(mailing, "one")
    post(mailing, "two", ip="10.0.0.2")
    with mailing.store.write() as tx:
        taken = outbox_rows.claim(tx, clock(), 300, 10)
    assert [m.attempts for m in taken] == [1, 1]
    with mailing.store.write() as tx:
        assert outbox_rows.claim(tx, clock(), 300, 10) == []  # leased to the first worker
    clock.advance(301)  # that worker died: the lease runs out
    with mailing.store.write() as tx:
        again = outbox_rows.claim(tx, clock(), 300, 10)
    assert [m.attempts for m in again] == [2, 2]


@pytest.mark.skipif(not PG_URL, reason="YORUM_TEST_DATABASE_URL not set")
def test_concurrent_claims_on_postgresql_take_different_messages(
    settings: Settings, clock: FakeClock
) -> None:
    if not settings.database.url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    services = build(with_overrides(settings, smtp={"host": "127.0.0.1"}), clock=clock)
    try:
        services.sites.add("blog", origins=["*"])
        services.sites.update("blog", notify_emails=tuple(f"m{i}@example.org" for i in range(10)))
        for i in range(4):  # forty mails
            post(services, f"comment {i} for ten moderators", ip=f"10.0.0.{i}")
        barrier = threading.Barrier(4)
        taken: list[list[int]] = []

        def worker() -> None:
            barrier.wait()
            mine: list[int] = []
            while True:
                with services.store.write() as tx:
                    batch = outbox_rows.claim(tx, clock(), 300, 3)
                if not batch:
                    break
                mine += [m.id for m in batch]
            taken.append(mine)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        everything = [i for mine in taken for i in mine]
        assert len(everything) == 40 and len(set(everything)) == 40
    finally:
        services.close()


class Scripted:
    """A test channel that fails as scripted, then delivers."""

    def __init__(self, *outcomes: Exception | None) -> None:
        self.outcomes = list(outcomes)
        self.delivered: list[int] = []

    async def deliver(self, message: OutboxMessage) -> None:
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        self.delivered.append(message.id)


def run(worker: DeliveryWorker) -> int:
    return asyncio.run(worker.drain())


def test_the_worker_retries_with_growing_delays(mailing: Services, clock: FakeClock) -> None:
    post(mailing, "one")
    failure = DeliveryFailed("connection refused")
    channel = Scripted(failure, failure, failure)
    worker = DeliveryWorker(mailing.store, mailing.settings.notify, {"email": channel},
                            mail=True, clock=clock)  # fmt: skip
    waits = []
    for _ in range(3):
        assert run(worker) == 1
        [message] = queued(mailing)
        assert message.status == "pending" and message.last_error == "connection refused"
        waits.append(message.due_at - clock())
        clock.advance(message.due_at - clock())
    base = mailing.settings.notify.retry_base
    assert [round(w / base, 2) for w in waits] == pytest.approx([1, 2, 4], rel=0.26)
    assert run(worker) == 1
    [message] = queued(mailing)
    assert (message.status, message.attempts, message.sent_at) == ("sent", 4, clock())
    assert channel.delivered == [message.id]


def test_the_worker_gives_up(mailing: Services, clock: FakeClock) -> None:
    post(mailing, "one")
    post(mailing, "two", ip="10.0.0.2")
    post(mailing, "three", ip="10.0.0.3")
    gone = DeliveryFailed("550 no such user", retry=False)
    channel = Scripted(gone, Dropped("the comment is gone"), *[DeliveryFailed("down")] * 20)
    settings = with_overrides(mailing.settings, notify={"max_attempts": 3}).notify
    worker = DeliveryWorker(mailing.store, settings, {"email": channel}, mail=True, clock=clock)
    for _ in range(4):
        run(worker)
        clock.advance(mailing.settings.notify.retry_max)
    first, second, third = queued(mailing)
    assert (first.status, first.attempts, first.last_error) == ("dead", 1, "550 no such user")
    assert (second.status, second.last_error) == ("sent", "dropped: the comment is gone")
    assert (third.status, third.attempts) == ("dead", 3)
    channel.outcomes.clear()  # the server is back
    with mailing.store.write() as tx:
        assert outbox_rows.resend(tx, third.id, clock())
    run(worker)
    assert queued(mailing)[2].status == "sent"


def test_digests_are_queued_per_period(mailing: Services, clock: FakeClock) -> None:
    mailing.sites.update("blog", notify_mode=NotifyMode.HOURLY)
    worker = DeliveryWorker(mailing.store, mailing.settings.notify, {}, mail=True, clock=clock)
    assert worker.queue_digests() == 0  # the first period starts
    clock.advance(1800)
    post(mailing, "in the first hour")
    assert worker.queue_digests() == 0
    clock.advance(1801)
    other = DeliveryWorker(mailing.store, mailing.settings.notify, {}, mail=True, clock=clock)
    assert worker.queue_digests() == 1
    assert other.queue_digests() == 0  # another process looking too queues no second one
    [digest] = queued(mailing, kind="digest")
    assert digest.payload == {"since": clock() - 3601, "until": clock()}
    clock.advance(3600)
    assert worker.queue_digests() == 0  # a quiet hour: no mail


def test_readers_ask_for_reply_mails_through_the_api_and_the_form(mailing: Services) -> None:
    from starlette.testclient import TestClient

    from tests.web.test_pages import form_stamp
    from yorum.web import create_app

    with TestClient(create_app(mailing)) as client:
        config = client.get("/api/site", params={"site": "blog"}).json()
        assert config["reply_notifications"] is True
        body = {"site": "blog", "uri": "/a", "text": "Tell me", "notify": True}
        refused = client.post("/api/comments", json=body)
        assert refused.status_code == 422 and refused.json()["field"] == "email"
        ok = client.post("/api/comments", json={**body, "email": "ann@example.org"})
        assert ok.status_code == 201
        page = client.get("/t/blog", params={"uri": "/b"}).text
        assert 'name="notify"' in page
        form = {"uri": "/b", "text": "Me too", "email": "bob@example.org", "notify": "1",
                "stamp": form_stamp(client, "/t/blog", "/b")}  # fmt: skip
        assert client.post("/t/blog", data=form, follow_redirects=False).status_code == 303
        mailing.sites.update("blog", reply_notifications=False)
        assert client.get("/api/site", params={"site": "blog"}).json()[
            "reply_notifications"] is False  # fmt: skip
        assert 'name="notify"' not in client.get("/t/blog", params={"uri": "/b"}).text
    assert sorted(m.recipient for m in queued(mailing, kind="confirm")) == [
        "ann@example.org", "bob@example.org",
    ]  # fmt: skip


def test_webhook_events_are_queued_for_the_endpoints_that_want_them(mailing: Services) -> None:
    everything = mailing.webhooks.add("blog", "https://hooks.example/all", actor="t")
    held_only = mailing.webhooks.add("blog", "https://hooks.example/held", ["comment.held"],
                                     actor="t")  # fmt: skip
    off = mailing.webhooks.add("blog", "https://hooks.example/off", actor="t")
    mailing.webhooks.set_active("blog", off.id, False, actor="t")
    shown = post(mailing, "Shown at once", email="secret@example.org")
    mailing.sites.update("blog", policy=Policy.HOLD_ALL)
    held = post(mailing, "Held for review", ip="10.0.0.2")
    mailing.moderation.act(Action.APPROVE, [held], actor="mod")
    events = [(int(m.recipient), m.payload["type"], m.payload["data"]["comment"]["id"])
              for m in queued(mailing, channel="webhook")]  # fmt: skip
    assert events == [
        (everything.id, "comment.created", shown),
        (everything.id, "comment.held", held),
        (held_only.id, "comment.held", held),
        (everything.id, "comment.approved", held),
    ]
    data = queued(mailing, channel="webhook")[0].payload["data"]
    assert data["url"] == f"https://blog.example/a#yorum-{shown}" and data["uri"] == "/a"
    assert "secret@example.org" not in str(data) and "ip" not in str(data["comment"])
