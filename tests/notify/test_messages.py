"""The mails yorum composes, sent through a real SMTP server and read back as received."""

from __future__ import annotations

import re
from email.message import EmailMessage
from html.parser import HTMLParser

import pytest

from tests.smtp import SmtpServer
from yorum.models import Comment, Policy, Site, Status
from yorum.notify import DeliveryFailed
from yorum.notify.messages import (
    DIGEST_LISTED,
    DigestItem,
    confirm_mail,
    digest_mail,
    moderator_mail,
    reply_mail,
)
from yorum.notify.strings import CATALOGS, for_language

SENDER = "Blog comments <comments@blog.example.org>"
T0 = 1_800_000_000.0  # 2027-01-15 08:00 UTC
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'
LINKS = {
    "approve": "https://c.example.org/moderate/approve?t=a1&s=x",
    "reject": "https://c.example.org/moderate/reject?t=r2",
    "spam": "https://c.example.org/moderate/spam?t=s3",
}
ADMIN = "https://c.example.org/admin/queue?site=blog"


def site(language: str = "en", name: str = "The Blog") -> Site:
    return Site(
        id="blog",
        name=name,
        origins=("https://blog.example.org",),
        language=language,
        policy=Policy.OPEN,
        created_at=T0,
    )


def comment(
    id: int = 1,
    *,
    author: str = "Ayşe",
    email: str = "ayse@example.org",
    website: str = "",
    text_raw: str = "I *liked* this.\nSecond line.",
    text_html: str = "<p>I <em>liked</em> this.<br>Second line.</p>",
    status: Status = Status.APPROVED,
    created_at: float = T0,
    parent_id: int | None = None,
) -> Comment:
    return Comment(
        id=id, thread_id=1, parent_id=parent_id, depth=0 if parent_id is None else 1,
        author=author, email=email, website=website, text_raw=text_raw, text_html=text_html,
        status=status, created_at=created_at, edited_at=None, ip_hash="h", likes=0, dislikes=0,
    )  # fmt: skip


def deliver(server: SmtpServer, mail: EmailMessage) -> EmailMessage:
    """Send ``mail`` through the test server and return it as the server received it."""
    server.mailer().send(mail)
    return server.received[-1].message


def parts(mail: EmailMessage) -> tuple[str, str]:
    """The text and the HTML part of a multipart/alternative mail, checking their order."""
    assert mail.get_content_type() == "multipart/alternative"
    kinds = [part.get_content_type() for part in mail.iter_parts()]
    assert kinds == ["text/plain", "text/html"]
    text, html = (part.get_content() for part in mail.iter_parts())
    return text, html


class _Page(HTMLParser):
    """What a mail client sees in the HTML part: links, the root's lang and dir, the text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.root: dict[str, str | None] = {}
        self.text = ""
        self._href: str | None = None
        self._label = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.root = dict(attrs)
        if tag == "a":
            self._href, self._label = dict(attrs).get("href"), ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._label.strip(), self._href))
            self._href = None

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._href is not None:
            self._label += data


def test_moderator_mail_for_a_held_comment(smtp_server: SmtpServer) -> None:
    held = comment(status=Status.PENDING, website="https://ayse.example")
    mail = deliver(
        smtp_server,
        moderator_mail(
            site=site(), comment=held, uri="/posts/1", title="First post",
            page_url="https://blog.example.org/posts/1#yorum-1", held_because="first comment",
            links=LINKS, admin_url=ADMIN, to=["mod@example.org", "Ed <ed@example.org>"],
            sender=SENDER,
        ),
    )  # fmt: skip
    assert mail["Subject"] == "[The Blog] Held for moderation: a comment on First post"
    assert mail["From"] == SENDER
    assert mail["To"] == "mod@example.org, Ed <ed@example.org>"
    assert smtp_server.received[-1].rcpt_tos == ("mod@example.org", "ed@example.org")
    assert re.fullmatch(r"<[^<>@\s]+@blog\.example\.org>", mail["Message-ID"])
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Date"].datetime is not None
    assert "List-Unsubscribe" not in mail
    text, html = parts(mail)
    assert "Ayşe wrote a comment on First post. It is held for moderation" in text
    assert "E-mail: ayse@example.org" in text and "Website: https://ayse.example" in text
    assert "Held because: first comment" in text
    assert "> I *liked* this.\n> Second line." in text
    assert f"Approve: {LINKS['approve']}\n" in text
    assert f"Reject: {LINKS['reject']}\n" in text
    assert f"Mark as spam: {LINKS['spam']}\n" in text
    assert f"Open the moderation queue: {ADMIN}\n" in text
    page = _Page(html)
    assert page.links == [
        ("Open the page", "https://blog.example.org/posts/1#yorum-1"),
        ("Approve", LINKS["approve"]),
        ("Reject", LINKS["reject"]),
        ("Mark as spam", LINKS["spam"]),
        ("Open the moderation queue", ADMIN),
    ]
    assert "<p>I <em>liked</em> this.<br>Second line.</p>" in html  # the sanitized HTML
    assert page.root == {"lang": "en", "dir": "ltr"}


def test_moderator_mail_for_a_published_comment_carries_only_the_given_links(
    smtp_server: SmtpServer,
) -> None:
    mail = deliver(
        smtp_server,
        moderator_mail(
            site=site(), comment=comment(), uri="/posts/1", title="First post", page_url="",
            held_because="", links={"spam": LINKS["spam"]}, admin_url=ADMIN,
            to=["mod@example.org"], sender=SENDER,
        ),
    )  # fmt: skip
    assert mail["Subject"] == "[The Blog] New comment on First post"
    text, html = parts(mail)
    assert "It is published." in text and "Held because" not in text
    assert "Open the page: /posts/1\n" in text  # no page address known: the URI
    assert _Page(html).links == [
        ("Mark as spam", LINKS["spam"]),
        ("Open the moderation queue", ADMIN),
    ]
    assert "Approve" not in text and "Approve" not in html


def test_moderator_mail_for_spam_says_so(smtp_server: SmtpServer) -> None:
    mail = moderator_mail(
        site=site(), comment=comment(status=Status.SPAM), uri="/p", title="", page_url="",
        held_because="links: 7", links=LINKS, admin_url=ADMIN, to=["m@example.org"],
        sender=SENDER,
    )  # fmt: skip
    assert mail["Subject"] == "[The Blog] Held for moderation: a comment on /p"
    assert "It was put in spam" in parts(mail)[0]


def test_hostile_names_and_titles_are_escaped_and_subjects_stay_on_one_line(
    smtp_server: SmtpServer,
) -> None:
    evil = comment(author=HOSTILE + "\r\nBcc: victim@example.org", status=Status.PENDING)
    title = f"Title\r\nBcc: victim@example.org\n{HOSTILE}"
    mail = deliver(
        smtp_server,
        moderator_mail(
            site=site(name=f"Blog\nX-Evil: 1 {HOSTILE}"), comment=evil, uri="/p",
            title=title, page_url="", held_because=HOSTILE, links=LINKS, admin_url=ADMIN,
            to=["mod@example.org"], sender=SENDER,
        ),
    )  # fmt: skip
    assert smtp_server.received[-1].rcpt_tos == ("mod@example.org",)
    assert "Bcc" not in mail and "X-Evil" not in mail
    assert "\n" not in mail["Subject"]
    assert mail["Subject"].startswith("[Blog X-Evil: 1 <script>")
    assert "Title Bcc: victim@example.org <script>" in mail["Subject"]
    _, html = parts(mail)
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert HOSTILE in _Page(html).text  # shown as text, never run


def test_moderator_mail_refuses_unknown_actions_and_bad_links() -> None:
    arguments = dict(
        site=site(), comment=comment(), uri="/p", title="t", page_url="", held_because="",
        admin_url=ADMIN, to=["m@example.org"], sender=SENDER,
    )  # fmt: skip
    with pytest.raises(ValueError, match="unknown moderation action"):
        moderator_mail(links={"delete": "https://c.example.org/d"}, **arguments)
    for bad in ("javascript:alert(1)", "/relative", "https://c.example.org/a b", "ftp://x/y"):
        with pytest.raises(ValueError, match="absolute http"):
            moderator_mail(links={"approve": bad}, **arguments)


def test_a_recipient_that_is_not_an_address_fails_for_good() -> None:
    for bad in ("not an address", "a@b.org\nBcc: c@d.org", ""):
        with pytest.raises(DeliveryFailed, match="not an e-mail address") as info:
            confirm_mail(
                site=site(), to=bad, confirm_url="https://c.example.org/c",
                page_url="https://blog.example.org/p", sender=SENDER,
            )  # fmt: skip
        assert not info.value.retry


def digest_items(count: int) -> list[DigestItem]:
    statuses = [Status.APPROVED, Status.APPROVED, Status.PENDING, Status.SPAM]
    return [
        DigestItem(
            comment=comment(
                i, author=f"Reader {i}", text_raw=f"Comment number {i}",
                text_html=f"<p>Comment number {i}</p>", status=statuses[i % 4],
                created_at=T0 + i * 60,
            ),
            uri=f"/posts/{i % 3}", title=f"Post {i % 3}",
            page_url=f"https://blog.example.org/posts/{i % 3}",
        )
        for i in range(count)
    ]  # fmt: skip


def test_digest_counts_and_groups_the_comments_by_page(smtp_server: SmtpServer) -> None:
    mail = deliver(
        smtp_server,
        digest_mail(
            site=site(), items=digest_items(8), since=T0, until=T0 + 3600, admin_url=ADMIN,
            to=["mod@example.org"], sender=SENDER,
        ),
    )  # fmt: skip
    assert (
        mail["Subject"] == "[The Blog] Comments from 2027-01-15 08:00 UTC to 2027-01-15 09:00 UTC"
    )
    text, html = parts(mail)
    assert "New comments: 8\nPublished: 4\nHeld for moderation: 2\nSpam: 2\n" in text
    # Pages in the order of their first held comment, then of their first other one.
    headings = re.findall(r"^== (.+) ==$", text, flags=re.MULTILINE)
    assert headings == ["Post 2", "Post 0", "Post 1"]
    post_2 = text.split("== Post 2 ==")[1].split("==")[0]
    assert re.findall(r"Reader (\d+)", post_2) == ["2", "5"]  # oldest first within a page
    assert "Reader 2, 2027-01-15 08:02 UTC [Held for moderation]" in post_2
    assert "> Comment number 5" in post_2
    assert "not listed" not in text
    page = _Page(html)
    assert ("Post 2", "https://blog.example.org/posts/2") in page.links
    assert page.links[-1] == ("Open the moderation queue", ADMIN)
    assert html.count("<p>Comment number") == 8


def test_digest_lists_at_most_fifty_and_says_how_many_more() -> None:
    items = digest_items(DIGEST_LISTED + 23)
    mail = digest_mail(
        site=site(), items=items, since=T0, until=T0 + 86400, admin_url=ADMIN,
        to=["mod@example.org"], sender=SENDER,
    )  # fmt: skip
    text, html = parts(mail)
    assert "New comments: 73\n" in text
    assert len(re.findall(r"^> Comment number", text, flags=re.MULTILINE)) == DIGEST_LISTED
    assert "Comments not listed here: 23" in text and "Comments not listed here: 23" in html
    held = [i.comment.id for i in items if i.comment.status is Status.PENDING]
    assert all(f"Reader {i}," in text for i in held)  # held ones are never left out first


def test_digest_of_nothing_says_so() -> None:
    mail = digest_mail(
        site=site(), items=[], since=T0, until=T0 + 3600, admin_url=ADMIN,
        to=["mod@example.org"], sender=SENDER,
    )  # fmt: skip
    assert "No new comments in this period." in parts(mail)[0]


def test_confirm_mail_asks_once_and_explains_ignoring_it(smtp_server: SmtpServer) -> None:
    confirm = "https://c.example.org/subscribe/confirm?t=abc.def"
    mail = deliver(
        smtp_server,
        confirm_mail(
            site=site(), to="ayse@example.org", confirm_url=confirm,
            page_url="https://blog.example.org/posts/1", sender=SENDER,
        ),
    )  # fmt: skip
    assert mail["Subject"] == "Confirm: replies to your comments on The Blog"
    assert mail["To"] == "ayse@example.org"
    assert "List-Unsubscribe" not in mail
    text, html = parts(mail)
    assert f"Yes, mail me replies:\n{confirm}\n" in text
    assert "ignore this mail: nothing will happen" in text
    links = _Page(html).links
    assert ("Yes, mail me replies", confirm) in links
    assert ("https://blog.example.org/posts/1", "https://blog.example.org/posts/1") in links


def test_reply_mail_with_one_click_unsubscribe(smtp_server: SmtpServer) -> None:
    parent = comment(1, author="Ayşe", email="ayse@example.org")
    reply = comment(
        2, author="Bob", email="bob.private@example.net", website="https://bob.example",
        text_raw="Thanks, **Ayşe**!", text_html="<p>Thanks, <strong>Ayşe</strong>!</p>",
        parent_id=1, created_at=T0 + 90,
    )  # fmt: skip
    unsubscribe = "https://c.example.org/unsubscribe?t=zz9&s=blog"
    mail = deliver(
        smtp_server,
        reply_mail(
            site=site(), to="ayse@example.org", parent=parent, reply=reply,
            page_url="https://blog.example.org/posts/1#yorum-2", unsubscribe_url=unsubscribe,
            sender=SENDER,
        ),
    )  # fmt: skip
    assert mail["Subject"] == "Bob replied to your comment on The Blog"
    assert mail["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["Auto-Submitted"] == "auto-generated"
    text, html = parts(mail)
    assert "> I *liked* this." in text and "> Thanks, **Ayşe**!" in text
    assert f"Read the reply and answer:\n{reply_url()}\n" in text
    assert f"Stop mails about replies: {unsubscribe}" in text
    assert "<p>Thanks, <strong>Ayşe</strong>!</p>" in html
    assert _Page(html).links == [
        ("Read the reply and answer", reply_url()),
        ("Stop mails about replies", unsubscribe),
    ]
    raw = smtp_server.received[-1].message.as_string()
    assert "bob.private" not in raw and "bob.example" not in raw


def reply_url() -> str:
    return "https://blog.example.org/posts/1#yorum-2"


def test_an_anonymous_replier_is_named_so() -> None:
    mail = reply_mail(
        site=site(), to="a@example.org", parent=comment(), reply=comment(2, author=""),
        page_url=reply_url(), unsubscribe_url="https://c.example.org/u", sender=SENDER,
    )  # fmt: skip
    assert mail["Subject"] == "Anonymous replied to your comment on The Blog"


def test_a_turkish_site_gets_turkish_mail(smtp_server: SmtpServer) -> None:
    mail = deliver(
        smtp_server,
        reply_mail(
            site=site("tr-TR", name="Günlük"), to="ayse@example.org", parent=comment(),
            reply=comment(2, author="Çağrı"), page_url=reply_url(),
            unsubscribe_url="https://c.example.org/u", sender=SENDER,
        ),
    )  # fmt: skip
    assert mail["Subject"] == "Çağrı, Günlük sitesindeki yorumunuza yanıt verdi"
    text, html = parts(mail)
    assert "Yanıt e-postalarını durdur: https://c.example.org/u" in text
    assert _Page(html).root == {"lang": "tr", "dir": "ltr"}


def test_an_arabic_site_gets_right_to_left_arabic_mail(smtp_server: SmtpServer) -> None:
    mail = deliver(
        smtp_server,
        moderator_mail(
            site=site("ar", name="المدونة"), comment=comment(status=Status.PENDING),
            uri="/p", title="مقال", page_url="", held_because="", links=LINKS,
            admin_url=ADMIN, to=["mod@example.org"], sender=SENDER,
        ),
    )  # fmt: skip
    assert mail["Subject"] == "[المدونة] بانتظار المراجعة: تعليق على مقال"
    text, html = parts(mail)
    assert f"موافقة: {LINKS['approve']}" in text
    page = _Page(html)
    assert page.root == {"lang": "ar", "dir": "rtl"}
    assert ("موافقة", LINKS["approve"]) in page.links
    assert 'dir="rtl"' in html.split("<body", 1)[1]  # the content block too


def test_a_language_without_a_catalog_gets_english() -> None:
    mail = confirm_mail(
        site=site("pt-BR"), to="a@example.org", confirm_url="https://c.example.org/c",
        page_url="https://blog.example.org/p", sender=SENDER,
    )  # fmt: skip
    assert mail["Subject"] == "Confirm: replies to your comments on The Blog"
    assert for_language("FA_ir").language == "fa" and for_language("").language == "en"


@pytest.mark.parametrize("language", sorted(CATALOGS))
def test_every_catalog_has_every_message(language: str) -> None:
    assert set(CATALOGS[language]) == set(CATALOGS["en"])
    for key, text in CATALOGS[language].items():
        placeholders = set(re.findall(r"\{(\w+)\}", CATALOGS["en"][key]))
        assert set(re.findall(r"\{(\w+)\}", text)) == placeholders, f"{language}: {key}"


def test_a_bad_sender_is_a_configuration_error_and_the_default_one_works() -> None:
    with pytest.raises(DeliveryFailed, match="smtp.sender is not an e-mail address"):
        confirm_mail(
            site=site(), to="a@example.org", confirm_url="https://c.example.org/c",
            page_url="https://blog.example.org/p", sender="yorum",
        )  # fmt: skip
    mail = confirm_mail(
        site=site(), to="a@example.org", confirm_url="https://c.example.org/c",
        page_url="https://blog.example.org/p", sender="yorum@localhost",
    )  # fmt: skip
    assert mail["From"] == "yorum@localhost" and mail["Message-ID"].endswith("@localhost>")
