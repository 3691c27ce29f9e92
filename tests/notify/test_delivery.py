"""Notifications end to end, against real servers on 127.0.0.1: an SMTP server (aiosmtpd)
receives the mails, an HTTP receiver checks webhook signatures with the standardwebhooks
library, and the links in the mails are followed through the app."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import FakeClock
from tests.receiver import Receiver
from tests.servers import Server
from tests.smtp import SmtpServer
from yorum.models import ClientInfo, NewComment, Policy
from yorum.notify.channels import WebhookChannel, delivery_worker
from yorum.notify.webhook import WebhookSender
from yorum.notify.worker import DeliveryWorker
from yorum.services import Services, build
from yorum.settings import Settings, with_overrides
from yorum.storage import outbox as outbox_rows
from yorum.web import create_app

PUBLIC = "https://comments.example"


@pytest.fixture
def mailing(settings: Settings, clock: FakeClock, smtp_server: SmtpServer) -> Iterator[Services]:
    smtp = dataclasses.asdict(smtp_server.settings())
    configured = with_overrides(settings, smtp=smtp, server={"public_url": PUBLIC})
    services = build(configured, clock=clock)
    services.sites.add("blog", origins=["https://blog.example"], policy=Policy.HOLD_ALL)
    services.sites.update("blog", notify_emails=("editor@example.org",))
    yield services
    services.close()


def worker(services: Services, clock: FakeClock, smtp: SmtpServer) -> DeliveryWorker:
    return delivery_worker(services.store, services.settings, services.links, clock=clock,
                           tls_context=smtp.client_context)  # fmt: skip


def deliver(w: DeliveryWorker) -> int:
    async def drain() -> int:
        try:
            return await w.drain()
        finally:
            await w.aclose()

    return asyncio.run(drain())


def post(services: Services, text: str, ip: str = "10.0.0.1", **fields: object) -> int:
    new = NewComment(site_id="blog", uri="/a", text=text, title="A post", **fields)  # type: ignore[arg-type]
    return services.comments.post(new, ClientInfo(ip)).comment.id


def links_in(message: object) -> dict[str, str]:
    """The link of each button in a mail's HTML part, by the path it opens."""
    html = message.get_body(("html",)).get_content()  # type: ignore[attr-defined]
    found = re.findall(r'href="([^"]+)"', html)
    return {urlsplit(u).path: u.replace("&amp;", "&") for u in found}


def local(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == PUBLIC
    return f"{parts.path}?{parts.query}"


def test_a_moderator_approves_from_the_mail(
    mailing: Services, clock: FakeClock, smtp_server: SmtpServer
) -> None:
    comment = post(mailing, "Please **approve** me")
    assert deliver(worker(mailing, clock, smtp_server)) == 1
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == "editor@example.org" and "A post" in mail["Subject"]
    buttons = [u for u in re.findall(r'href="([^"]+)"', mail.get_body(("html",)).get_content())
               if "/notify/moderate" in u]  # fmt: skip
    assert len(buttons) == 3
    approve = next(u for u in buttons if "approve" in links_label(mail, u))
    with TestClient(create_app(mailing)) as client:
        page = client.get(local(approve.replace("&amp;", "&")))
        assert page.status_code == 200 and "<strong>approve</strong>" in page.text
        assert mailing.moderation.pending("blog")[0].comment.id == comment  # a GET changes nothing
        done = client.post(local(approve.replace("&amp;", "&")))
        assert done.status_code == 200
    assert mailing.moderation.pending("blog") == []
    assert mailing.moderation.audit("blog")[0].actor == "mail:editor@example.org"


def links_label(mail: object, url: str) -> str:
    """The text of the link to ``url`` in a mail's HTML part."""
    html = mail.get_body(("html",)).get_content()  # type: ignore[attr-defined]
    found = re.search(re.escape(url) + r'"[^>]*>([^<]+)<', html)
    assert found, url
    return found.group(1).strip().lower()


def test_reply_notifications_double_opt_in_and_one_click_unsubscribe(
    mailing: Services, clock: FakeClock, smtp_server: SmtpServer
) -> None:
    mailing.sites.update("blog", policy=Policy.OPEN, notify_emails=())
    parent = post(mailing, "Mail me replies", email="ann@example.org", author="Ann", notify=True)
    deliver(worker(mailing, clock, smtp_server))
    [confirm] = smtp_server.wait_for(1)
    assert confirm["To"] == "ann@example.org"
    confirm_url = next(u for p, u in links_in(confirm).items() if p == "/notify/confirm")
    post(mailing, "A reply before she confirms", ip="10.0.0.2", parent_id=parent)
    deliver(worker(mailing, clock, smtp_server))
    assert len(smtp_server.messages) == 1  # nothing until she confirms
    with TestClient(create_app(mailing)) as client:
        assert client.post(local(confirm_url)).status_code == 200
        post(mailing, "Welcome to the thread, Ann", ip="10.0.0.3", author="Bob",
             email="bob@example.org", parent_id=parent)  # fmt: skip
        deliver(worker(mailing, clock, smtp_server))
        reply = smtp_server.wait_for(2)[1]
        assert reply["To"] == "ann@example.org" and "Welcome to the thread" in str(
            reply.get_body(("plain",)).get_content())  # fmt: skip
        assert "bob@example.org" not in reply.as_string()
        assert reply["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        header = re.fullmatch(r"<(.+)>", reply["List-Unsubscribe"])
        assert header is not None
        form = {"content-type": "application/x-www-form-urlencoded"}
        one_click = client.post(local(header.group(1)), content=b"List-Unsubscribe=One-Click",
                                headers=form)  # fmt: skip
        assert one_click.status_code == 200
    post(mailing, "After she left", ip="10.0.0.4", parent_id=parent)
    deliver(worker(mailing, clock, smtp_server))
    assert len(smtp_server.messages) == 2


def test_mail_waits_while_the_server_is_down(
    mailing: Services, clock: FakeClock, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.stop()
    ids = [post(mailing, f"Comment number {i}", ip=f"10.0.1.{i}") for i in range(3)]
    w = worker(mailing, clock, smtp_server)
    with caplog.at_level(logging.WARNING, logger="yorum.notify"):
        assert deliver(w) == 3
    assert "retrying in" in caplog.text
    with mailing.store.read() as tx:
        waiting = outbox_rows.recent(tx, ["blog"])
    assert {m.status for m in waiting} == {"pending"} and all(m.last_error for m in waiting)
    clock.advance(mailing.settings.notify.retry_max)
    deliver(worker(mailing, clock, smtp_server))  # still down: tried again, still waiting
    smtp_server.start()
    clock.advance(mailing.settings.notify.retry_max)
    assert deliver(worker(mailing, clock, smtp_server)) == 3
    received = smtp_server.wait_for(3)
    assert len(received) == 3
    with mailing.store.read() as tx:
        done = outbox_rows.recent(tx, ["blog"])
    assert {(m.status, m.attempts) for m in done} == {("sent", 3)}
    assert sorted(ids) == sorted(int(re.search(r"#yorum-(\d+)", m.get_body(("html",))
        .get_content()).group(1)) for m in received)  # type: ignore[union-attr]  # fmt: skip


def test_a_webhook_is_retried_until_the_receiver_takes_it(
    mailing: Services, clock: FakeClock, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    hook = mailing.webhooks.add("blog", receiver.url, actor="t")
    receiver.secret = hook.secret
    receiver.script(500, 500, 500)
    comment = post(mailing, "Hello hooks")
    # the sender signs with the real time (receivers check it); the worker's clock is ours
    sender = WebhookSender(mailing.settings.notify)
    channel = WebhookChannel(mailing.store, sender)
    w = DeliveryWorker(mailing.store, mailing.settings.notify, {"webhook": channel}, mail=False,
                       clock=clock)  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="yorum.notify"):
        for _ in range(4):
            asyncio.run(w.drain())
            clock.advance(mailing.settings.notify.retry_max)
    asyncio.run(w.aclose())
    statuses = [r.status for r in receiver.requests]
    assert statuses == [500, 500, 500, 200]
    assert all(r.verified for r in receiver.requests), [r.error for r in receiver.requests]
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    body = receiver.requests[-1].json()
    assert body["type"] == "comment.held" and body["data"]["comment"]["id"] == comment
    assert caplog.text.count("failed (attempt") == 3
    with mailing.store.read() as tx:
        [message] = outbox_rows.recent(tx, ["blog"], channel="webhook")
    assert (message.status, message.attempts) == ("sent", 4)


def test_a_deleted_comment_is_not_mailed(
    mailing: Services, clock: FakeClock, smtp_server: SmtpServer
) -> None:
    from yorum.moderation.queue import Action

    comment = post(mailing, "Gone before the mail")
    mailing.moderation.act(Action.REJECT, [comment], actor="mod")
    deliver(worker(mailing, clock, smtp_server))
    assert smtp_server.messages == []
    with mailing.store.read() as tx:
        [message] = outbox_rows.recent(tx, ["blog"])
    assert message.status == "sent" and message.last_error.startswith("dropped:")


def test_two_workers_on_postgresql_send_each_mail_once(
    settings: Settings, clock: FakeClock, smtp_server: SmtpServer
) -> None:
    if not settings.database.url.startswith("postgresql"):
        pytest.skip("two workers share the outbox with SKIP LOCKED on PostgreSQL")
    smtp = dataclasses.asdict(smtp_server.settings())
    configured = with_overrides(settings, smtp=smtp, server={"public_url": PUBLIC})
    services = build(configured, clock=clock)
    try:
        services.sites.add("blog", origins=["*"], policy=Policy.OPEN)
        moderators = tuple(f"m{i}@example.org" for i in range(5))
        services.sites.update("blog", notify_emails=moderators)
        for i in range(10):
            post(services, f"Comment {i} for five moderators", ip=f"10.0.2.{i}")
        workers = [worker(services, clock, smtp_server) for _ in range(2)]
        done: list[int] = []
        threads = [threading.Thread(target=lambda w=w: done.append(deliver(w))) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        received = smtp_server.wait_for(50)
        assert sum(done) == 50 and len(received) == 50
        pairs = {(m["To"], re.search(r"#yorum-(\d+)", m.get_body(("html",)).get_content())
                  .group(1)) for m in received}  # type: ignore[union-attr]  # fmt: skip
        assert len(pairs) == 50  # no mail twice
        with services.store.read() as tx:
            sent = outbox_rows.recent(tx, ["blog"], limit=100)
        assert {(m.status, m.attempts) for m in sent} == {("sent", 1)}
    finally:
        services.close()


def test_a_crash_after_the_comment_loses_no_mail(
    tmp_path: Path, database_url: str, smtp_server: SmtpServer
) -> None:
    """SIGKILL right after a comment is acknowledged, before any delivery; the next start
    delivers its mail."""
    data = tmp_path / "data"
    settings = with_overrides(Settings(), server={"data_dir": str(data)},
                              database={"url": database_url})  # fmt: skip
    services = build(settings)
    services.sites.add("blog", origins=["*"], policy=Policy.OPEN)
    services.sites.update("blog", notify_emails=("editor@example.org",))
    services.close()
    env = {"YORUM_SMTP_HOST": smtp_server.host, "YORUM_SMTP_PORT": str(smtp_server.port),
           "YORUM_SMTP_SECURITY": "none", "YORUM_NOTIFY_POLL_INTERVAL": "1"}  # fmt: skip
    first = Server(data, database_url, env={**env, "YORUM_NOTIFY_WORKER": "false"})
    first.start()
    try:
        body = {"site": "blog", "uri": "/a", "text": "Acknowledged, then the crash"}
        posted = httpx.post(f"{first.url}/api/comments", json=body, timeout=10)
        assert posted.status_code == 201, posted.text
    finally:
        first.stop(signal.SIGKILL)
    assert smtp_server.messages == []
    second = Server(data, database_url, env=env)
    second.start()
    try:
        [mail] = smtp_server.wait_for(1, timeout=20)
        assert f"#yorum-{posted.json()['comment']['id']}" in mail.get_body(("html",)).get_content()
    finally:
        second.stop()


def test_a_busy_site_gets_a_daily_digest(
    mailing: Services, clock: FakeClock, smtp_server: SmtpServer
) -> None:
    from yorum.models import NotifyMode

    mailing.sites.update("blog", notify_mode=NotifyMode.DAILY)
    w = worker(mailing, clock, smtp_server)
    deliver(w)  # the first day starts now
    clock.advance(1)
    for i in range(4):
        post(mailing, f"Comment {i} of the day", ip=f"10.0.3.{i}")
    clock.advance(86400)
    assert deliver(worker(mailing, clock, smtp_server)) == 1
    [digest] = smtp_server.wait_for(1)
    text = digest.get_body(("plain",)).get_content()
    assert digest["To"] == "editor@example.org"
    assert all(f"Comment {i} of the day" in text for i in range(4))
    assert f"{PUBLIC}/admin" in text
