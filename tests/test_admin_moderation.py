"""The admin over the moderation features: why a comment is held, reported comments, every
moderator action, editing, the spam thresholds and word lists, from the pages and the API."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from tests.test_admin_auth import held, login, make_user
from yorum.errors import Banned
from yorum.models import ClientInfo, NewComment, Policy, ReportReason, Role, Status, WordKind
from yorum.services import Services
from yorum.storage import spam as spam_rows

SPAMMY = "Casino bonus tonight!!! write on WhatsApp +90 555 123 45 67 casino casino"


def blog(services: Services, policy: Policy = Policy.HOLD_ALL) -> None:
    services.sites.add("blog", policy=policy)
    make_user(services, "ann", blog=Role.ADMIN)
    make_user(services, "bob", blog=Role.MODERATOR)


def post(services: Services, text: str, ip: str = "10.0.0.9", **fields: str) -> int:
    new = NewComment(site_id="blog", uri="/a", text=text, **fields)
    return services.comments.post(new, ClientInfo(ip)).comment.id


def row(page: str, comment_id: int) -> str:
    """The queue row of one comment."""
    found = re.search(rf'<li[^>]*id="c{comment_id}".*?</li>\n', page, re.S)
    assert found, f"comment {comment_id} is not listed"
    return found.group(0)


def test_the_queue_says_why_a_comment_is_held(services: Services, client: TestClient) -> None:
    blog(services, Policy.HOLD_NEW)
    services.sites.update("blog", hold_score=1, spam_score=100)
    first = post(services, "A first, friendly comment.", email="new@example.org")
    spammy = post(services, SPAMMY, ip="10.0.0.10")
    login(client, "bob")
    page = client.get("/admin").text
    assert "first comment from this commenter" in row(page, first)
    spam_row = row(page, spammy)
    assert re.search(r"Spam score [0-9.]+:", spam_row)
    assert "heuristics +" in spam_row
    # the API says the same, as data
    token = services.accounts.new_token("bob")
    items = client.get("/api/admin/queue", headers={"authorization": f"Bearer {token}"}).json()[
        "items"
    ]
    by_id = {i["id"]: i for i in items}
    assert by_id[first]["held_because"] == "first comment from this commenter"
    assert by_id[spammy]["score"] >= 1
    assert any(r["scorer"] == "heuristics" for r in by_id[spammy]["reasons"])
    assert by_id[first]["reports"] == [] and by_id[first]["pinned"] is False


def test_reported_comments_have_their_own_filter(services: Services, client: TestClient) -> None:
    blog(services, Policy.OPEN)
    services.sites.update("blog", report_threshold=2)
    quiet = post(services, "Nothing wrong here.")
    loud = post(services, "You are all idiots.", ip="10.0.0.11")
    services.reports.report(loud, ReportReason.ABUSE, "insults readers", ClientInfo("10.1.0.1"))
    login(client, "bob")
    page = client.get("/admin?status=reported").text
    assert page.count("data-row") == 1
    assert "1 report<" in row(page, loud) and "abuse: “insults readers”" in row(page, loud)
    assert f'id="c{quiet}"' not in page
    # a second report holds it; it stays in the reported list until a moderator decides
    services.reports.report(loud, ReportReason.SPAM, "", ClientInfo("10.1.0.2"))
    assert services.moderation.pending("blog")[0].comment.id == loud
    assert "2 reports<" in client.get("/admin?status=reported").text
    token = services.accounts.new_token("bob")
    auth = {"authorization": f"Bearer {token}"}
    listed = client.get("/api/admin/queue?status=reported", headers=auth).json()
    assert [i["id"] for i in listed["items"]] == [loud] and listed["total"] == 1
    assert {r["reason"] for r in listed["items"][0]["reports"]} == {"abuse", "spam"}
    # approving dismisses the reports
    done = client.post("/api/admin/actions", json={"action": "approve", "ids": [loud]},
                       headers=auth)  # fmt: skip
    assert done.status_code == 200
    assert "Nothing here." in client.get("/admin?status=reported").text


def test_every_action_from_the_page(services: Services, client: TestClient) -> None:
    blog(services)
    one, two = held(services, "blog", "first"), held(services, "blog", "second")
    csrf = login(client, "bob")
    page = client.get("/admin").text
    for label in ("Approve selected", "Not spam selected", "Delete selected", "Apply to selected"):
        assert label in page
    assert 'data-key="n"' in page and 'data-key="d"' in page
    assert '<option value="pin">Pin</option>' in page

    def act(action: str, *ids: int, **extra: str) -> str:
        form = {"csrf": csrf, "action": action, "id": [str(i) for i in ids], "back": "/admin",
                **extra}  # fmt: skip
        r = client.post("/admin/act", data=form, follow_redirects=False)
        assert r.status_code == 303, r.text
        return r.headers["location"]

    assert act("approve", one, two).endswith("approve%3A2")
    # the rarer actions go through the "more" menu
    assert act("more", one, more="pin").endswith("pin%3A1")
    assert act("more", one, more="lock").endswith("lock%3A1")
    found = [n.comment for n in services.comments.page("blog", "/a").nodes]
    pinned = next(c for c in found if c.id == one)
    assert pinned.pinned and pinned.locked
    listed = row(client.get("/admin?status=approved").text, one)
    assert "pinned" in listed and "replies locked" in listed and "Unpin" in listed
    # spam, then not spam: the site's filter learns it as genuine
    act("spam", two)
    assert 'aria-label="Not spam: comment' in row(client.get("/admin?status=spam").text, two)
    act("not_spam", two)
    with services.store.read() as tx:
        assert spam_rows.trained(tx, two) is False
    # not spam on a comment that is not spam is refused, and nothing changes
    refused = client.post("/admin/act", data={"csrf": csrf, "action": "not_spam",
                                              "id": str(one)})  # fmt: skip
    assert refused.status_code == 409 and "wrong_status" in refused.text
    act("more", one, more="trust")
    assert [c.key for c in services.moderation.trusted("blog")] == [
        "ip:" + services.comments.hash_ip("10.0.0.9")
    ]
    act("delete", two)
    assert [n.comment.id for n in services.comments.page("blog", "/a").nodes] == [one]
    actions = [e.action for e in services.moderation.audit("blog")]
    assert actions[:6] == ["delete", "trust", "not_spam", "spam", "lock", "pin"]


def test_editing_a_comment_from_the_queue(services: Services, client: TestClient) -> None:
    blog(services)
    comment = held(services, "blog", "Teh typo")
    csrf = login(client, "bob")
    page = client.get("/admin").text
    assert f'form="edit-{comment}"' in page and f'id="edit-{comment}"' in page
    r = client.post(f"/admin/edit?id={comment}", data={"csrf": csrf, "text": "The *typo*",
                    "reason": "spelling", "back": "/admin"}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/admin?done=edit%3A1"
    [pending] = services.moderation.pending("blog")
    assert pending.comment.text_raw == "The *typo*" and "<em>typo</em>" in pending.comment.text_html
    entry = services.moderation.audit("blog")[0]
    assert (entry.actor, entry.action) == ("bob", "edit") and "spelling" in entry.reason
    empty = client.post(f"/admin/edit?id={comment}", data={"csrf": csrf, "text": " "})
    assert empty.status_code == 422
    token = services.accounts.new_token("bob")
    auth = {"authorization": f"Bearer {token}"}
    done = client.post(f"/api/admin/comments/{comment}/edit", json={"text": "Fixed."},
                       headers=auth)  # fmt: skip
    assert done.status_code == 200 and done.json() == {"id": comment}
    missing = client.post("/api/admin/comments/999999/edit", json={"text": "x"}, headers=auth)
    assert missing.status_code == 404


def test_site_page_sets_thresholds_and_word_lists(services: Services, client: TestClient) -> None:
    blog(services, Policy.OPEN)
    csrf = login(client, "ann")
    form = {"csrf": csrf, "name": "Blog", "origins": "*", "language": "en",
            "policy": "hold_links", "author_field": "optional", "email_field": "optional",
            "website_field": "optional", "report_threshold": "2", "close_after_days": "30",
            "hold_score": "3.5", "spam_score": "8"}  # fmt: skip
    r = client.post("/admin/sites/blog", data=form)
    assert r.status_code == 200, r.text
    site = services.sites.get("blog")
    assert (site.policy, site.report_threshold, site.close_after_days) == (
        Policy.HOLD_LINKS, 2, 30,
    )  # fmt: skip
    assert (site.hold_score, site.spam_score) == (3.5, 8.0)
    assert 'value="3.5"' in r.text
    for bad in ({"hold_score": "9"}, {"spam_score": "abc"}, {"report_threshold": "-1"},
                {"hold_score": "0"}, {"spam_score": "inf"}):  # fmt: skip
        refused = client.post("/admin/sites/blog", data={**form, **bad})
        assert refused.status_code == 422, bad
    assert services.sites.get("blog").hold_score == 3.5
    # word lists: one per line, then removed by its button
    r = client.post("/admin/sites/blog/words", data={"csrf": csrf, "kind": "banned",
                    "words": "viagra\n\nfree spins\n"}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"].endswith("#words")
    assert sorted(w.word for w in services.words.list("blog")) == ["free spins", "viagra"]
    page = client.get("/admin/sites/blog").text
    assert 'aria-label="Remove viagra"' in page
    refused = client.post("/api/comments", json={"site": "blog", "uri": "/a",
                                                 "text": "cheap V1AGRA"})  # fmt: skip
    assert refused.status_code == 422 and refused.json()["error"] == "banned_word"
    client.post("/admin/sites/blog/words", data={"csrf": csrf, "remove": "viagra"})
    assert [w.word for w in services.words.list("blog")] == ["free spins"]
    # a moderator sees the lists but may not change them
    client.post("/admin/logout", data={"csrf": csrf})
    csrf = login(client, "bob")
    assert "free spins" in client.get("/admin/sites/blog").text
    denied = client.post("/admin/sites/blog/words", data={"csrf": csrf, "kind": "suspect",
                                                          "words": "loan"})  # fmt: skip
    assert denied.status_code == 403


def test_the_api_sets_thresholds_and_word_lists(services: Services, client: TestClient) -> None:
    blog(services, Policy.OPEN)
    auth = {"authorization": f"Bearer {services.accounts.new_token('ann')}"}
    r = client.patch("/api/admin/sites/blog", json={"hold_score": 2, "spam_score": 6.5,
                     "report_threshold": 0, "close_after_days": 7}, headers=auth)  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["hold_score"], body["spam_score"], body["report_threshold"]) == (2, 6.5, 0)
    assert body["close_after_days"] == 7
    for bad in ({"hold_score": 7}, {"spam_score": "high"}, {"hold_score": 0},
                {"spam_score": 5000}, {"report_threshold": True}):  # fmt: skip
        refused = client.patch("/api/admin/sites/blog", json=bad, headers=auth)
        assert refused.status_code == 422, (bad, refused.text)
        assert refused.json()["field"] in bad
    added = client.post("/api/admin/words", json={"site": "blog", "kind": "suspect",
                        "words": ["loan", "crypto"]}, headers=auth)  # fmt: skip
    assert added.status_code == 200 and added.json() == {"changed": 2}
    listed = client.get("/api/admin/words?site=blog", headers=auth).json()["words"]
    assert sorted((w["kind"], w["word"]) for w in listed) == [
        ("suspect", "crypto"), ("suspect", "loan"),
    ]  # fmt: skip
    assert post(services, "a quick loan for you", ip="10.2.0.1") in [
        h.comment.id for h in services.moderation.pending("blog")
    ]
    removed = client.post("/api/admin/words/remove", json={"site": "blog",
                          "words": ["LOAN", "nothing"]}, headers=auth)  # fmt: skip
    assert removed.json() == {"changed": 1}
    assert [w.kind for w in services.words.list("blog")] == [WordKind.SUSPECT]
    empty = client.post("/api/admin/words", json={"site": "blog", "kind": "banned",
                        "words": []}, headers=auth)  # fmt: skip
    assert empty.status_code == 422
    assert services.comments.page("blog", "/a").total == 0
    assert Status.PENDING in {h.comment.status for h in services.moderation.pending("blog")}


def test_banning_a_comments_author(services: Services, client: TestClient) -> None:
    blog(services, Policy.OPEN)
    by_address = post(services, "first", ip="10.3.0.1")
    by_mail = post(services, "second", ip="10.3.0.2", email="Troll@Example.org")
    starry = post(services, "third", ip="10.3.0.3", author="x*y?")
    csrf = login(client, "bob")
    page = client.get("/admin?status=approved").text
    assert f'id="ban-{by_address}"' in page and 'form="ban-' in page
    form = {"csrf": csrf, "by": "ip", "days": "7", "reason": "flood", "back": "/admin"}
    r = client.post(f"/admin/ban-author?id={by_address}", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin?done=ban+ip"
    [ban] = services.bans.active("blog")
    assert ban.value == services.comments.hash_ip("10.3.0.1") and ban.expires_at is not None
    with pytest.raises(Banned):
        post(services, "again", ip="10.3.0.1")
    assert post(services, "fine", ip="10.3.0.9")
    entry = services.moderation.audit("blog")[0]
    assert (entry.action, entry.comment_id, entry.reason) == ("ban ip", by_address, "flood")
    auth = {"authorization": f"Bearer {services.accounts.new_token('bob')}"}
    made = client.post(f"/api/admin/comments/{by_mail}/ban", json={"by": "email"}, headers=auth)
    assert made.status_code == 201
    no_mail = client.post(f"/api/admin/comments/{by_address}/ban", json={"by": "email"},
                          headers=auth)  # fmt: skip
    assert no_mail.status_code == 422 and no_mail.json()["field"] == "kind"
    named = client.post(f"/api/admin/comments/{starry}/ban", json={"by": "name"}, headers=auth)
    assert named.status_code == 201
    values = {b.kind.value: b.value for b in services.bans.active("blog")}
    assert values["email"] == "troll@example.org" and values["name"] == "x[*]y[?]"
    # the exact name is banned, not everything the pattern characters would match
    services.bans.check("blog", email="", ip_hash="", author="xzy!")
    with pytest.raises(Banned):
        services.bans.check("blog", email="", ip_hash="", author="X*Y?")
