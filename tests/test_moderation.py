"""The moderation queue: held comments, approve / reject / spam, and the audit log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from tests.conftest import OPEN_GATE, FakeClock
from yorum.cli import main
from yorum.errors import Banned, CommentNotFound, Invalid, NotFound, ThreadLocked
from yorum.models import BanKind, ClientInfo, NewComment, Policy
from yorum.moderation.queue import Action
from yorum.services import Services, build
from yorum.settings import Settings, with_overrides


def held(services: Services, text: str, parent: int | None = None) -> int:
    new = NewComment(site_id="careful", uri="/a", text=text, parent_id=parent)
    return services.comments.post(new, ClientInfo("10.0.0.1")).comment.id


@pytest.fixture
def careful(services: Services) -> Services:
    services.sites.add("careful", policy=Policy.HOLD_ALL)
    return services


def test_held_comments_wait_until_approved(careful: Services) -> None:
    first, second = held(careful, "one"), held(careful, "two")
    assert [h.comment.id for h in careful.moderation.pending("careful")] == [first, second]
    assert careful.comments.page("careful", "/a").total == 0
    version = careful.comments.thread_version("careful", "/a", None)
    assert careful.moderation.act(Action.APPROVE, [first], actor="ann", reason="fine") == 1
    assert careful.comments.thread_version("careful", "/a", None) != version  # caches see it
    page = careful.comments.page("careful", "/a")
    assert [n.comment.id for n in page.nodes] == [first]
    assert [h.comment.id for h in careful.moderation.pending("careful")] == [second]
    entry = careful.moderation.audit("careful")[0]
    assert (entry.actor, entry.action, entry.comment_id, entry.reason) == (
        "ann",
        "approve",
        first,
        "fine",
    )


def test_reject_removes_and_spam_hides(careful: Services) -> None:
    keep, spam = held(careful, "keep"), held(careful, "buy now")
    careful.moderation.act(Action.APPROVE, [keep], actor="ann")
    reply = held(careful, "a reply", parent=keep)
    careful.moderation.act(Action.SPAM, [spam], actor="ann")
    careful.moderation.act(Action.REJECT, [reply], actor="ann", reason="rude")
    assert careful.moderation.pending("careful") == []
    page = careful.comments.page("careful", "/a")
    assert [n.comment.id for n in page.nodes] == [keep] and page.nodes[0].replies == []
    actions = [(e.action, e.comment_id) for e in careful.moderation.audit("careful")]
    assert actions[:3] == [("reject", reply), ("spam", spam), ("approve", keep)]


def test_an_unknown_comment_changes_nothing(careful: Services) -> None:
    one = held(careful, "one")
    with pytest.raises(CommentNotFound):
        careful.moderation.act(Action.APPROVE, [one, 999_999], actor="ann")
    assert [h.comment.id for h in careful.moderation.pending("careful")] == [one]  # all or none
    assert careful.moderation.audit("careful") == []


def test_the_command_line_moderates(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(main, [*args, "--data-dir", data], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    assert run("site", "add", "careful", "--policy", "hold_all")[0] == 0
    from yorum.services import build
    from yorum.settings import Settings, with_overrides

    svc = build(with_overrides(Settings(), server={"data_dir": data}, abuse=OPEN_GATE))
    first, second = held(svc, "first held"), held(svc, "second held")
    svc.close()
    code, out, _ = run("comments", "pending", "--site", "careful", "--json")
    assert code == 0 and [c["id"] for c in json.loads(out)] == [first, second]
    code, out, _ = run("comments", "approve", str(first), "--reason", "looks fine")
    assert code == 0 and out.strip() == "approve: 1 comment"
    code, out, _ = run("comments", "spam", str(second))
    assert code == 0
    code, out, _ = run("comments", "pending", "--site", "careful")
    assert code == 0 and out == ""
    code, _, err = run("comments", "reject", "424242")
    assert code == 1 and "no comment 424242" in err


def test_a_locked_thread_takes_no_comments_until_unlocked(services: Services) -> None:
    post = services.comments.post
    post(NewComment(site_id="default", uri="/flood", text="first"), ClientInfo("10.0.0.1"))
    services.moderation.lock("default", "/flood", True, actor="ann", reason="flood")
    with pytest.raises(ThreadLocked):
        post(NewComment(site_id="default", uri="/flood", text="more"), ClientInfo("10.0.0.2"))
    page = services.comments.page("default", "/flood")
    assert page.thread is not None and page.thread.locked and page.total == 1
    entry = services.moderation.audit("default")[0]
    assert (entry.action, entry.uri, entry.comment_id, entry.reason) == (
        "lock",
        "/flood",
        None,
        "flood",
    )
    services.moderation.lock("default", "/flood", False, actor="ann")
    post(NewComment(site_id="default", uri="/flood", text="more"), ClientInfo("10.0.0.2"))
    with pytest.raises(NotFound):
        services.moderation.lock("default", "/nothing-here", True, actor="ann")


def test_locking_from_the_command_line(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(main, [*args, "--data-dir", data], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    from yorum.services import build
    from yorum.settings import Settings, with_overrides

    svc = build(with_overrides(Settings(), server={"data_dir": data}, abuse=OPEN_GATE))
    svc.sites.ensure_default()
    svc.comments.post(NewComment(site_id="default", uri="/a", text="x"), ClientInfo("10.0.0.1"))
    svc.close()
    code, out, _ = run("thread", "lock", "/a", "--reason", "flood")
    assert code == 0 and out.strip() == "locked: default /a"
    code, out, _ = run("thread", "unlock", "/a")
    assert code == 0 and out.strip() == "unlocked: default /a"
    code, _, err = run("thread", "lock", "/missing")
    assert code == 1 and "no thread" in err


def test_bans_by_email_address_and_name(services: Services, clock: FakeClock) -> None:
    def post(author: str = "", email: str = "", ip: str = "10.0.0.1") -> int:
        text = f"{author} {email} {ip} {clock.now}"
        new = NewComment(site_id="default", uri="/b", text=text, author=author, email=email)
        return services.comments.post(new, ClientInfo(ip)).comment.id

    bans = services.bans
    by_mail = bans.add("default", BanKind.EMAIL, " Spam@Example.org ", actor="ann")
    bans.add("default", BanKind.IP, "192.0.2.9", actor="ann", days=1)
    bans.add("default", BanKind.NAME, "cheap*", actor="ann", reason="ads")
    with pytest.raises(Banned):
        post(email="spam@example.org")
    with pytest.raises(Banned):
        post(ip="192.0.2.9")
    with pytest.raises(Banned):
        post(author="CHEAP pills")
    assert post(author="Ann", email="ann@example.org")  # others post as before
    # Only the hash of the address is kept.
    assert all("192.0.2.9" not in b.value for b in bans.active("default"))
    clock.advance(86401)  # the one-day ban expires
    assert post(ip="192.0.2.9")
    bans.lift("default", by_mail, actor="ann")
    assert post(email="spam@example.org")
    actions = [e.action for e in services.moderation.audit("default")]
    assert actions[0] == "unban" and "ban name" in actions
    with pytest.raises(Invalid):
        bans.add("default", BanKind.IP, "not an address", actor="ann")


def test_a_banned_reader_gets_a_clear_403(services: Services, client: TestClient) -> None:
    services.bans.add("default", BanKind.NAME, "troll", actor="ann")
    response = client.post(
        "/api/comments", json={"site": "default", "uri": "/b", "text": "hi", "author": "Troll"}
    )
    assert response.status_code == 403 and response.json()["error"] == "banned"


def test_bans_from_the_command_line(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(main, [*args, "--data-dir", data], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    assert run("site", "add", "blog")[0] == 0
    code, out, _ = run("ban", "add", "--site", "blog", "--ip", "198.51.100.7", "--days", "7")
    assert code == 0 and out.startswith("ban ")
    code, out, _ = run("ban", "list", "--site", "blog", "--json")
    listed = json.loads(out)
    assert len(listed) == 1 and listed[0]["kind"] == "ip"
    assert "198.51.100.7" not in out  # never written down
    assert run("ban", "add", "--site", "blog", "--email", "a@b.c", "--name", "x")[0] == 2
    code, out, _ = run("ban", "remove", str(listed[0]["id"]), "--site", "blog")
    assert code == 0
    code, _, err = run("ban", "remove", "99", "--site", "blog")
    assert code == 1 and "no ban 99" in err
    # the author of a comment, by the address hash it carries
    svc = build(with_overrides(Settings(), server={"data_dir": data}, abuse=OPEN_GATE))
    new = NewComment(site_id="blog", uri="/a", text="spam spam", email="s@example.org")
    comment = svc.comments.post(new, ClientInfo("203.0.113.5")).comment.id
    svc.close()
    code, out, _ = run("ban", "add", "--comment", str(comment), "--days", "2")
    assert code == 0 and out.startswith("ban ")
    code, out, _ = run("ban", "add", "--comment", str(comment), "--by", "email")
    assert code == 0
    code, out, _ = run("ban", "list", "--site", "blog", "--json")
    assert sorted(b["kind"] for b in json.loads(out)) == ["email", "ip"]
    assert run("ban", "add", "--comment", str(comment), "--ip", "198.51.100.7")[0] == 2
    code, _, err = run("ban", "add", "--comment", "999")
    assert code == 1 and "no comment 999" in err
