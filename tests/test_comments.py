"""CommentService rules: posting, edit window and tokens, deletion, votes, listing."""

from __future__ import annotations

import pytest

from tests.conftest import FakeClock
from yorum.errors import (
    CommentDeleted,
    CommentNotFound,
    DuplicateComment,
    EditWindowExpired,
    Invalid,
    InvalidEditToken,
    OriginNotAllowed,
    ThreadLocked,
    UnknownSite,
)
from yorum.models import ClientInfo, CommentEdit, FieldRule, NewComment, Policy, Sort, Status
from yorum.services import Services, build
from yorum.settings import Settings, with_overrides
from yorum.storage import threads as thread_rows

READER = ClientInfo(ip="203.0.113.7")


def new(text: str = "Hello", uri: str = "/t", **kw: object) -> NewComment:
    return NewComment(site_id="default", uri=uri, text=text, **kw)  # type: ignore[arg-type]


def test_post_renders_once_and_hashes_the_address(services: Services) -> None:
    posted = services.comments.post(new("**hi** <b>x</b>", author="Ayşe"), READER)
    c = posted.comment
    assert c.text_html == "<p><strong>hi</strong> &lt;b&gt;x&lt;/b&gt;</p>"
    assert c.text_raw == "**hi** <b>x</b>"
    assert c.status is Status.APPROVED
    assert "203.0.113.7" not in c.ip_hash and len(c.ip_hash) == 32
    assert posted.thread.uri == "/t"


def test_hold_all_policy_holds_new_comments(services: Services) -> None:
    services.sites.add("strict", policy=Policy.HOLD_ALL)
    posted = services.comments.post(NewComment("strict", "/p", "held"), READER)
    assert posted.comment.status is Status.PENDING
    assert services.comments.page("strict", "/p").total == 0


def test_unknown_site_and_foreign_origin_are_refused(services: Services) -> None:
    services.sites.add("blog", origins=["https://blog.example"])
    with pytest.raises(UnknownSite):
        services.comments.post(NewComment("nope", "/p", "x"), READER)
    with pytest.raises(OriginNotAllowed):
        services.comments.post(
            NewComment("blog", "/p", "x"), ClientInfo("1.2.3.4", origin="https://evil.example")
        )
    ok = ClientInfo("1.2.3.4", origin="https://blog.example")
    assert services.comments.post(NewComment("blog", "/p", "x"), ok).comment.id


def test_edit_inside_the_window_with_the_token(services: Services, clock: FakeClock) -> None:
    posted = services.comments.post(new("first", author="Ali"), READER)
    clock.advance(60)
    edited = services.comments.edit(
        posted.comment.id, CommentEdit("second *edit*"), posted.edit_token, READER
    )
    assert edited.text_html == "<p>second <em>edit</em></p>"
    assert edited.author == "Ali"
    assert edited.edited_at == clock.now


def test_edit_after_the_window_is_forbidden(services: Services, clock: FakeClock) -> None:
    posted = services.comments.post(new(), READER)
    clock.advance(services.settings.comments.edit_window + 1)
    with pytest.raises(EditWindowExpired):
        services.comments.edit(posted.comment.id, CommentEdit("late"), posted.edit_token, READER)
    with pytest.raises(EditWindowExpired):
        services.comments.delete(posted.comment.id, posted.edit_token, READER)


def test_another_comments_token_is_forbidden(services: Services) -> None:
    mine = services.comments.post(new("mine"), READER)
    theirs = services.comments.post(new("theirs"), READER)
    with pytest.raises(InvalidEditToken):
        services.comments.edit(mine.comment.id, CommentEdit("x"), theirs.edit_token, READER)
    with pytest.raises(InvalidEditToken):
        services.comments.delete(mine.comment.id, None, READER)
    with pytest.raises(InvalidEditToken):
        services.comments.source(mine.comment.id, mine.edit_token + "x", READER)


def test_tokens_of_one_install_are_worthless_on_another(
    services: Services, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> None:
    posted = services.comments.post(new(), READER)
    other_dir = tmp_path_factory.mktemp("other-install")
    # Same database, another install secret: the token must not work there.
    other = build(with_overrides(settings, server={"data_dir": str(other_dir)}))
    try:
        with pytest.raises(InvalidEditToken):
            other.comments.source(posted.comment.id, posted.edit_token, READER)
    finally:
        other.close()
    assert services.comments.source(posted.comment.id, posted.edit_token, READER).id


def test_delete_with_replies_leaves_a_placeholder(services: Services) -> None:
    parent = services.comments.post(new("parent", author="P", email="p@example.org"), READER)
    reply = services.comments.post(new("reply", parent_id=parent.comment.id), READER)
    placeholder = services.comments.delete(parent.comment.id, parent.edit_token, READER)
    assert placeholder is not None
    assert placeholder.status is Status.DELETED
    assert (placeholder.text_raw, placeholder.author, placeholder.email) == ("", "", "")
    page = services.comments.page("default", "/t")
    assert [n.comment.status for n in page.nodes] == [Status.DELETED]
    assert page.nodes[0].replies[0].comment.id == reply.comment.id
    with pytest.raises(CommentDeleted):
        services.comments.edit(parent.comment.id, CommentEdit("x"), parent.edit_token, READER)
    with pytest.raises(CommentDeleted):
        services.comments.post(new("late reply", parent_id=parent.comment.id), READER)
    # Removing the last reply removes the placeholder too.
    assert services.comments.delete(reply.comment.id, reply.edit_token, READER) is None
    assert services.comments.page("default", "/t").nodes == []


def test_duplicate_text_from_one_client_is_refused_for_a_while(
    services: Services, clock: FakeClock
) -> None:
    services.comments.post(new("same"), READER)
    with pytest.raises(DuplicateComment):
        services.comments.post(new("same"), READER)
    services.comments.post(new("same"), ClientInfo("198.51.100.1"))
    clock.advance(services.settings.comments.duplicate_window + 1)
    services.comments.post(new("same"), READER)


def test_locked_thread_takes_no_comments(services: Services) -> None:
    first = services.comments.post(new(), READER)
    with services.store.write() as tx:
        thread_rows.set_locked(tx, first.thread.id, True)
    with pytest.raises(ThreadLocked):
        services.comments.post(new("more"), READER)


def test_replies_nest_up_to_the_limit(services: Services) -> None:
    parent_id = None
    for depth in range(services.settings.comments.max_depth + 1):
        parent_id = services.comments.post(new(f"d{depth}", parent_id=parent_id), READER).comment.id
    with pytest.raises(Invalid) as info:
        services.comments.post(new("too deep", parent_id=parent_id), READER)
    assert info.value.code == "too_deep"


def test_reply_to_a_comment_of_another_thread_is_invalid(services: Services) -> None:
    elsewhere = services.comments.post(new("x", uri="/other"), READER)
    with pytest.raises(Invalid) as info:
        services.comments.post(new("y", parent_id=elsewhere.comment.id), READER)
    assert info.value.field == "parent"


def test_votes_one_per_voter_changeable(services: Services) -> None:
    c = services.comments.post(new(), READER).comment
    assert services.comments.vote(c.id, 1, READER).likes == 1
    assert services.comments.vote(c.id, 1, READER).likes == 1
    result = services.comments.vote(c.id, -1, READER)
    assert (result.likes, result.dislikes) == (0, 1)
    result = services.comments.vote(c.id, 1, ClientInfo("198.51.100.9"))
    assert (result.likes, result.dislikes) == (1, 1)
    result = services.comments.vote(c.id, 0, READER)
    assert (result.likes, result.dislikes) == (1, 0)
    with pytest.raises(CommentNotFound):
        services.comments.vote(999999, 1, READER)


def test_counts_keep_the_order_asked(services: Services) -> None:
    services.comments.post(new("a", uri="/a"), READER)
    services.comments.post(new("b1", uri="/b"), READER)
    services.comments.post(new("b2", uri="/b"), READER)
    assert services.comments.counts("default", ["/b", "/none", "/a", "/b"]) == [2, 0, 1, 2]


def test_sorts_and_cursor_pagination(services: Services, clock: FakeClock) -> None:
    ids = []
    for i in range(7):
        clock.advance(1)
        ids.append(services.comments.post(new(f"c{i}"), READER).comment.id)
    services.comments.vote(ids[3], 1, READER)
    seen, cursor = [], None
    while True:
        page = services.comments.page("default", "/t", limit=3, cursor=cursor)
        seen += [n.comment.id for n in page.nodes]
        cursor = page.next_cursor
        if cursor is None:
            assert page.hidden == 0
            break
        assert page.hidden == 7 - len(seen)
    assert seen == ids
    newest = services.comments.page("default", "/t", sort=Sort.NEWEST, limit=2)
    assert [n.comment.id for n in newest.nodes] == ids[::-1][:2]
    best = services.comments.page("default", "/t", sort=Sort.BEST, limit=2)
    assert [n.comment.id for n in best.nodes] == [ids[3], ids[0]]
    with pytest.raises(Invalid):
        services.comments.page("default", "/t", sort=Sort.NEWEST, cursor=page.next_cursor or "x")


def test_hidden_replies_are_counted_and_listable(services: Services, clock: FakeClock) -> None:
    limit = services.settings.comments.reply_page_size
    top = services.comments.post(new("top"), READER).comment
    replies = []
    for i in range(limit + 3):
        clock.advance(1)
        replies.append(services.comments.post(new(f"r{i}", parent_id=top.id), READER).comment.id)
    page = services.comments.page("default", "/t")
    node = page.nodes[0]
    assert len(node.replies) == limit
    assert node.hidden_replies == 3
    assert node.reply_count == limit + 3
    rest = services.comments.page("default", "/t", parent_id=top.id, limit=100)
    assert [n.comment.id for n in rest.nodes] == replies
    with pytest.raises(CommentNotFound):
        services.comments.page("default", "/t", parent_id=424242)


def test_pending_comments_are_not_listed_or_counted(services: Services) -> None:
    services.sites.add("held", policy=Policy.HOLD_ALL)
    services.comments.post(NewComment("held", "/p", "waiting"), READER)
    assert services.comments.counts("held", ["/p"]) == [0]
    assert services.comments.latest("held", 10) == []


def test_a_site_can_require_or_hide_form_fields(services: Services) -> None:
    services.sites.add("strict", author_field=FieldRule.REQUIRED, email_field=FieldRule.HIDDEN)
    with pytest.raises(Invalid) as info:
        services.comments.post(
            NewComment(site_id="strict", uri="/a", text="hi"), ClientInfo("1.2.3.4")
        )
    assert (info.value.field, info.value.code) == ("author", "required")
    posted = services.comments.post(
        NewComment(site_id="strict", uri="/a", text="hi", author="Ann", email="a@example.org"),
        ClientInfo("1.2.3.4"),
    )
    assert posted.comment.author == "Ann"
    assert posted.comment.email == ""  # a hidden field is not stored, whatever was sent


def test_the_same_author_gets_the_same_picture_seed_and_no_address_leaks(
    services: Services,
) -> None:
    def post(author: str, email: str, ip: str) -> str:
        new = NewComment(
            site_id="default", uri="/a", text=f"{author} {email} {ip}", author=author, email=email
        )
        return services.comments.post(new, ClientInfo(ip)).comment.avatar

    by_mail = post("Ann", "ann@example.org", "10.0.0.1")
    assert by_mail == post("Ann B.", "ANN@example.org ", "10.0.0.2")  # the address decides
    assert len(by_mail) == 16 and "ann" not in by_mail
    assert post("Bo", "", "10.0.0.3") == post("Bo", "", "10.0.0.4")  # else the name
    assert post("", "", "10.0.0.5") == ""  # anonymous: nothing that links comments
    assert post("Cy", "", "10.0.0.6") != post("Di", "", "10.0.0.6")  # never the address
