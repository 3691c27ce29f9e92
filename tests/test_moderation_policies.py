"""Hold policies, trusted and known commenters, reader reports, pinned and locked comments,
threads closing with age, and the moderator actions beyond approve / reject / spam."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from tests.conftest import OPEN_GATE, FakeClock
from yorum.cli import main
from yorum.errors import (
    AlreadyReported,
    CommentLocked,
    CommentNotFound,
    Invalid,
    ThreadClosed,
    ThreadLocked,
    WrongStatus,
)
from yorum.models import ClientInfo, NewComment, Policy, ReportReason, Status
from yorum.moderation.queue import Action
from yorum.services import Services, build
from yorum.settings import Settings, with_overrides


def say(
    services: Services,
    text: str,
    *,
    site: str = "default",
    uri: str = "/p",
    email: str = "",
    ip: str = "10.0.0.1",
    parent: int | None = None,
) -> tuple[int, Status, str]:
    new = NewComment(site_id=site, uri=uri, text=text, email=email, parent_id=parent)
    comment = services.comments.post(new, ClientInfo(ip)).comment
    return comment.id, comment.status, comment.hold_reason


def test_hold_new_holds_a_commenter_until_one_of_theirs_is_approved(services: Services) -> None:
    services.sites.update("default", policy=Policy.HOLD_NEW)
    first, status, why = say(services, "hello", email="Ann@Example.org")
    assert status is Status.PENDING and why == "first comment from this commenter"
    assert say(services, "again", email="ann@example.org")[1] is Status.PENDING
    services.moderation.act(Action.APPROVE, [first], actor="mod")
    # Known now: by e-mail, whatever the address or the case.
    assert say(services, "third", email="ANN@example.org", ip="10.9.9.9")[1] is Status.APPROVED
    # Without an e-mail address, the client's address stands for the commenter.
    anon, status, _ = say(services, "anon", ip="10.0.0.7")
    assert status is Status.PENDING
    services.moderation.act(Action.APPROVE, [anon], actor="mod")
    assert say(services, "anon again", ip="10.0.0.7")[1] is Status.APPROVED
    assert say(services, "someone else", ip="10.0.0.8")[1] is Status.PENDING


def test_hold_links_holds_markdown_links_and_bare_urls(services: Services) -> None:
    services.sites.update("default", policy=Policy.HOLD_LINKS)
    assert say(services, "no links here")[1] is Status.APPROVED
    _, status, why = say(services, "see https://example.org/x")
    assert status is Status.PENDING and why == "the comment contains links"
    assert say(services, "a [link](https://example.org/y)")[1] is Status.PENDING
    assert say(services, "`https://in.code/` is not a link")[1] is Status.APPROVED


def test_trusted_commenters_skip_the_hold_policies(services: Services) -> None:
    services.sites.update("default", policy=Policy.HOLD_ALL)
    key = services.moderation.trust("default", email="Bo@Example.org", actor="mod")
    assert key == "email:bo@example.org"
    assert say(services, "trusted", email="bo@example.org")[1] is Status.APPROVED
    held, status, _ = say(services, "held", ip="10.0.0.5")
    assert status is Status.PENDING
    services.moderation.trust("default", comment_id=held, actor="mod", reason="regular")
    assert say(services, "now trusted", ip="10.0.0.5")[1] is Status.APPROVED
    keys = [c.key for c in services.moderation.trusted("default")]
    assert keys[0] == key and keys[1].startswith("ip:") and len(keys) == 2
    assert "10.0.0.5" not in keys[1]  # the address is kept only as its keyed hash
    services.moderation.untrust("default", email="bo@example.org", actor="mod")
    assert say(services, "untrusted", email="bo@example.org")[1] is Status.PENDING
    assert [e.action for e in services.moderation.audit("default")][:3] == [
        "untrust",
        "trust",
        "trust",
    ]
    with pytest.raises(Invalid):
        services.moderation.trust("default", actor="mod")
    with pytest.raises(Invalid):
        services.moderation.trust("default", email="not-an-address", actor="mod")


def test_reports_hold_a_comment_at_the_threshold(services: Services) -> None:
    services.sites.update("default", report_threshold=2)
    target, _, _ = say(services, "rude words")
    report = services.reports.report
    first = report(target, ReportReason.ABUSE, " very rude ", ClientInfo("10.1.0.1"))
    assert (first.reports, first.held) == (1, False)
    with pytest.raises(AlreadyReported):
        report(target, ReportReason.SPAM, "", ClientInfo("10.1.0.1"))
    second = report(target, ReportReason.OFF_TOPIC, "", ClientInfo("10.1.0.2"))
    assert (second.reports, second.held) == (2, True)
    assert [h.comment.id for h in services.moderation.pending("default")] == [target]
    assert services.comments.page("default", "/p").total == 0
    entry = services.moderation.audit("default")[0]
    assert (entry.actor, entry.action, entry.comment_id) == ("readers", "hold", target)
    (seen,) = services.moderation.reported("default")
    assert seen.comment.comment.id == target and seen.reports == 2
    assert seen.reasons == {"abuse": 1, "off_topic": 1} and seen.notes == ["very rude"]
    # Held comments take no more reports; approving dismisses the reports.
    with pytest.raises(CommentNotFound):
        report(target, ReportReason.SPAM, "", ClientInfo("10.1.0.3"))
    services.moderation.act(Action.APPROVE, [target], actor="mod")
    assert services.moderation.reported("default") == []
    assert services.comments.page("default", "/p").total == 1


def test_a_threshold_of_zero_never_holds(services: Services) -> None:
    services.sites.update("default", report_threshold=0)
    target, _, _ = say(services, "fine")
    for n in range(5):
        result = services.reports.report(target, ReportReason.OTHER, "", ClientInfo(f"10.2.0.{n}"))
        assert not result.held
    assert services.moderation.reported("default")[0].reports == 5
    with pytest.raises(Invalid):
        services.sites.update("default", report_threshold=-1)


def test_reporting_over_the_api(services: Services, client: TestClient) -> None:
    target, _, _ = say(services, "report me")
    url = f"/api/comments/{target}/report"
    response = client.post(url, json={"reason": "spam", "note": "ads"})
    assert response.status_code == 200
    assert response.json() == {"id": target, "reports": 1, "held": False}
    again = client.post(url, json={"reason": "spam"})
    assert again.status_code == 409 and again.json()["error"] == "already_reported"
    bad = client.post(url, json={"reason": "boring"})
    assert bad.status_code == 422 and bad.json()["field"] == "reason"
    missing = client.post("/api/comments/424242/report", json={"reason": "spam"})
    assert missing.status_code == 404
    services.sites.update("default", origins=["https://blog.test"])
    foreign = client.post(url, json={"reason": "spam"}, headers={"origin": "https://x.test"})
    assert foreign.status_code == 403 and foreign.json()["error"] == "origin_not_allowed"


def test_pinned_comments_list_first_in_every_sort(services: Services, client: TestClient) -> None:
    a, _, _ = say(services, "a")
    b, _, _ = say(services, "b")
    c, _, _ = say(services, "c")
    reply, _, _ = say(services, "a reply", parent=a)
    services.moderation.act(Action.PIN, [b], actor="mod")
    for sort, rest in (("oldest", [a, c]), ("newest", [c, a])):
        data = client.get("/api/thread", params={"site": "default", "uri": "/p", "sort": sort})
        comments = data.json()["comments"]
        assert [x["id"] for x in comments] == [b, *rest]
        assert [x["pinned"] for x in comments] == [True, False, False]
    with pytest.raises(Invalid):
        services.moderation.act(Action.PIN, [reply], actor="mod")
    # Paging keeps the pinned comment first and shows each comment once.
    first = services.comments.page("default", "/p", limit=1)
    assert [n.comment.id for n in first.nodes] == [b] and first.next_cursor
    second = services.comments.page("default", "/p", limit=5, cursor=first.next_cursor)
    assert [n.comment.id for n in second.nodes] == [a, c]
    services.moderation.act(Action.UNPIN, [b], actor="mod")
    assert [n.comment.id for n in services.comments.page("default", "/p").nodes] == [a, b, c]


def test_a_locked_comment_takes_no_replies(services: Services, client: TestClient) -> None:
    target, _, _ = say(services, "last word")
    services.moderation.act(Action.LOCK, [target], actor="mod", reason="heated")
    with pytest.raises(CommentLocked):
        say(services, "but", parent=target)
    body = {"site": "default", "uri": "/p", "text": "but", "parent": target}
    response = client.post("/api/comments", json=body)
    assert response.status_code == 403 and response.json()["error"] == "comment_locked"
    page = client.get("/api/thread", params={"site": "default", "uri": "/p"}).json()
    assert page["comments"][0]["locked"] is True
    services.moderation.act(Action.UNLOCK, [target], actor="mod")
    assert say(services, "but", parent=target)[1] is Status.APPROVED


def test_threads_close_after_the_sites_days(
    services: Services, client: TestClient, clock: FakeClock
) -> None:
    services.sites.update("default", close_after_days=2)
    say(services, "fresh")
    clock.advance(2 * 86400 - 1)
    say(services, "just in time")
    before = client.get("/api/thread", params={"site": "default", "uri": "/p"})
    assert before.json()["closed"] is False  # and now in the page cache
    clock.advance(1)
    with pytest.raises(ThreadClosed) as closed:
        say(services, "too late")
    assert isinstance(closed.value, ThreadLocked) and closed.value.code == "thread_closed"
    body = {"site": "default", "uri": "/p", "text": "too late"}
    response = client.post("/api/comments", json=body)
    assert response.status_code == 403 and response.json()["error"] == "thread_closed"
    after = client.get("/api/thread", params={"site": "default", "uri": "/p"})
    assert after.headers["etag"] != before.headers["etag"]
    page = after.json()
    assert page["closed"] is True and page["locked"] is True
    plain = client.get("/t/default", params={"uri": "/p"})
    assert plain.status_code == 200 and 'name="text"' not in plain.text
    assert say(services, "a new page", uri="/new")[1] is Status.APPROVED  # new threads are open
    services.sites.update("default", close_after_days=0)
    assert say(services, "reopened")[1] is Status.APPROVED


def test_not_spam_delete_and_edit(services: Services) -> None:
    keep, _, _ = say(services, "keep me")
    reply, _, _ = say(services, "reply", parent=keep)
    services.moderation.act(Action.SPAM, [keep], actor="mod")
    with pytest.raises(WrongStatus):
        services.moderation.act(Action.NOT_SPAM, [reply], actor="mod")
    services.moderation.act(Action.NOT_SPAM, [keep], actor="mod", reason="false alarm")
    edited = services.moderation.edit(keep, "keep *me*", actor="mod", reason="tidy")
    assert edited.text_html == "<p>keep <em>me</em></p>" and edited.edited_at is not None
    entry = services.moderation.audit("default")[0]
    assert (entry.action, entry.reason) == ("edit", "tidy (old text: 7 characters)")
    services.moderation.act(Action.DELETE, [keep], actor="mod")  # has a reply: placeholder
    page = services.comments.page("default", "/p")
    assert page.nodes[0].comment.status is Status.DELETED and page.nodes[0].replies
    services.moderation.act(Action.DELETE, [reply], actor="mod")
    with pytest.raises(CommentNotFound):
        services.moderation.edit(keep, "back", actor="mod")
    with pytest.raises(Invalid):
        services.moderation.edit(reply + 1000, " ", actor="mod")


def test_bulk_actions_are_all_or_none(services: Services) -> None:
    a, _, _ = say(services, "a")
    reply, _, _ = say(services, "r", parent=a)
    version = services.comments.thread_version("default", "/p", None)
    with pytest.raises(Invalid):
        services.moderation.act(Action.PIN, [a, reply], actor="mod")
    assert not services.comments.page("default", "/p").nodes[0].comment.pinned
    assert services.moderation.audit("default") == []
    services.moderation.act(Action.LOCK, [a, reply], actor="mod")
    assert services.comments.thread_version("default", "/p", None) != version
    assert [e.comment_id for e in services.moderation.audit("default")] == [reply, a]


def test_the_command_line_pins_edits_lists_reports_and_trusts(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(main, [*args, "--data-dir", data], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    assert run("site", "add", "blog")[0] == 0
    code, out, _ = run("site", "set", "blog", "--policy", "hold_new", "--report-threshold", "5")
    assert code == 0 and out.strip() == "changed site blog: policy, report_threshold"
    assert run("site", "set", "blog")[0] == 2
    svc = build(with_overrides(Settings(), server={"data_dir": data}, abuse=OPEN_GATE))
    first, status, _ = say(svc, "hello", site="blog", email="ann@example.org")
    assert status is Status.PENDING
    svc.close()
    code, out, _ = run("commenter", "trust", "--site", "blog", "--comment", str(first))
    assert code == 0 and out.strip() == "trusted: email:ann@example.org"
    code, out, _ = run("commenter", "list", "--site", "blog", "--json")
    assert json.loads(out) == [{"key": "email:ann@example.org", "known": False}]
    assert run("commenter", "trust", "--site", "blog")[0] == 2
    assert run("comments", "approve", str(first))[0] == 0
    for verb in ("pin", "lock", "unlock", "unpin"):
        code, out, _ = run("comments", verb, str(first), "--reason", "test")
        assert code == 0 and out.strip() == f"{verb}: 1 comment"
    code, _, err = run("comments", "not-spam", str(first))
    assert code == 1 and "not marked as spam" in err
    code, out, _ = run("comments", "edit", str(first), "--text", "hello, edited")
    assert code == 0 and out.strip() == f"edit: comment {first}"
    svc = build(with_overrides(Settings(), server={"data_dir": data}, abuse=OPEN_GATE))
    svc.reports.report(first, ReportReason.SPAM, "ads", ClientInfo("10.3.0.1"))
    svc.close()
    code, out, _ = run("comments", "reported", "--site", "blog", "--json")
    (row,) = json.loads(out)
    assert (row["id"], row["reports"], row["reasons"], row["text"]) == (
        first,
        1,
        {"spam": 1},
        "hello, edited",
    )
    code, out, _ = run("comments", "reported", "--site", "blog")
    assert out.startswith(f"{first}\t1\tspam:1\t/p\t")
    code, out, _ = run("commenter", "untrust", "--site", "blog", "--email", "ann@example.org")
    assert code == 0 and run("commenter", "list", "--site", "blog")[1] == ""
    assert run("comments", "delete", str(first))[0] == 0


def test_the_plain_page_reports_and_shows_pins_and_locks(
    services: Services, client: TestClient
) -> None:
    pinned, _, _ = say(services, "pinned one")
    locked, _, _ = say(services, "locked one")
    services.moderation.act(Action.PIN, [pinned], actor="mod")
    services.moderation.act(Action.LOCK, [locked], actor="mod")
    page = client.get("/t/default", params={"uri": "/p"}).text
    assert page.count('class="yorum-pinned"') == 1 and "Pinned" in page
    assert f"reply={pinned}" in page and f"reply={locked}" not in page
    form = client.get("/t/default", params={"uri": "/p", "report": locked}).text
    assert f'id="yorum-report-{locked}"' in form and 'value="off_topic"' in form
    body = {"report": str(locked), "uri": "/p", "reason": "off_topic", "note": "not about it"}
    sent = client.post("/t/default", data=body, follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/t/default?uri=%2Fp&reported={locked}#yorum-notice"
    shown = client.get(sent.headers["location"]).text
    assert "The moderators will look at this comment." in shown
    again = client.post("/t/default", data=body, follow_redirects=False)
    assert again.status_code == 409 and "You reported this comment already." in again.text
    bad = client.post("/t/default", data={**body, "reason": "boring"})
    assert bad.status_code == 422 and "Please choose a reason." in bad.text
    services.sites.update("default", origins=["https://blog.test"])
    foreign = client.post("/t/default", data=body, headers={"origin": "https://evil.test"})
    assert foreign.status_code == 403
    (seen,) = services.moderation.reported("default")
    assert seen.reasons == {"off_topic": 1} and seen.notes == ["not about it"]


def test_simultaneous_reports_from_one_reader_count_once(services: Services) -> None:
    target, _, _ = say(services, "popular target")
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def report() -> None:
        start.wait()
        try:
            services.reports.report(target, ReportReason.SPAM, "", ClientInfo("10.4.0.1"))
            outcomes.append("stored")
        except AlreadyReported:
            outcomes.append("refused")

    workers = [threading.Thread(target=report) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert sorted(outcomes) == ["refused", "refused", "refused", "stored"]
    assert services.moderation.reported("default")[0].reports == 1


POLICY_CASES = [
    # policy, text, held through both doors, the reason given
    (Policy.OPEN, "Plain words with https://example.org", False, ""),
    (Policy.HOLD_ALL, "Plain words", True, "the site holds every comment for review"),
    (Policy.HOLD_NEW, "Plain words", True, "first comment from this commenter"),
    (Policy.HOLD_LINKS, "See [this](https://example.org)", True, "the comment contains links"),
    (Policy.HOLD_LINKS, "No links at all", False, ""),
]


@pytest.mark.parametrize(("policy", "text", "held", "reason"), POLICY_CASES)
def test_each_policy_through_the_api_and_the_plain_form(
    services: Services, client: TestClient, policy: Policy, text: str, held: bool, reason: str
) -> None:
    from tests.web.test_pages import form_stamp

    services.sites.update("default", policy=policy)
    api = client.post("/api/comments", json={"site": "default", "uri": "/api", "text": text,
                                             "email": "api@example.org"})  # fmt: skip
    assert api.status_code == (202 if held else 201), api.text
    # other words, or the flood scorer would count the second as a copy of the first
    form = {"uri": "/form", "text": f"Also: {text.lower()} and more", "email": "form@example.org",
            "stamp": form_stamp(client)}  # fmt: skip
    page = client.post("/t/default", data=form, follow_redirects=False)
    assert page.status_code == 303
    assert ("held=" in page.headers["location"]) is held
    pending = {h.uri: h.comment.hold_reason for h in services.moderation.pending("default")}
    assert pending == ({"/api": reason, "/form": reason} if held else {})
