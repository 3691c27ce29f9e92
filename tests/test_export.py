"""yorum export: the JSON format against its schema and read back by the yorum importer,
and WXR read back by a small WXR reader written here."""

from __future__ import annotations

import gzip
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.conftest import OPEN_GATE, FakeClock
from yorum.cli import main
from yorum.errors import UnknownSite
from yorum.export import Exporter, schema
from yorum.import_report import ImportReport
from yorum.importers import BrokenInput, Restore, Skipped, load
from yorum.importers.yorum import RestoredComment, YorumImporter
from yorum.models import (
    BanKind,
    ClientInfo,
    Comment,
    NewComment,
    Policy,
    ReportReason,
    Status,
    WordKind,
)
from yorum.moderation.queue import Action
from yorum.services import Services, build
from yorum.settings import Settings, with_overrides
from yorum.storage import comments as comment_rows
from yorum.storage import threads as thread_rows
from yorum.storage.tables import imported

READER = ClientInfo(ip="203.0.113.5")
MOD = "mod"
URIS = ("/posts/merhaba/", "/posts/<&>/", "/empty/")


def post(services: Services, uri: str, text: str, **fields: object) -> Comment:
    new = NewComment("default", uri, text, **fields)  # type: ignore[arg-type]
    return services.comments.post(new, READER).comment


@pytest.fixture
def site(services: Services, clock: FakeClock) -> Services:
    """The default site with a bit of everything: replies, placeholders, spam, held
    comments, votes, pins, locks, edits, bans, words, trust, reports and an audit log."""
    top = post(services, URIS[0], "Merhaba **dünya**", author="Ayşe", email="ayse@example.org",
               website="https://ayse.example", title="Merhaba", notify=True)  # fmt: skip
    clock.advance(10)
    reply = post(services, URIS[0], "مرحبا", author="سلمى", parent_id=top.id)
    clock.advance(10)
    post(services, URIS[0], "Reply to the reply ]]> & <b>", parent_id=reply.id)
    clock.advance(10)
    gone = post(services, URIS[1], "Soon deleted", author="Bob <b>&amp;</b>")
    post(services, URIS[1], "Replying to what goes", parent_id=gone.id)
    spam = post(services, URIS[1], "cheap watches", email="spam@example.org")
    services.comments.vote(top.id, 1, ClientInfo(ip="198.51.100.1"))
    services.comments.vote(top.id, -1, ClientInfo(ip="198.51.100.2"))
    services.moderation.act(Action.PIN, [top.id], actor=MOD, reason="good")
    services.moderation.act(Action.LOCK, [reply.id], actor=MOD)
    services.moderation.act(Action.DELETE, [gone.id], actor=MOD, reason="rude")
    services.moderation.act(Action.SPAM, [spam.id], actor=MOD)
    clock.advance(10)
    services.moderation.edit(top.id, "Merhaba **dünya**, edited", actor=MOD, reason="typo")
    services.moderation.lock("default", URIS[1], True, actor=MOD, reason="flood")
    services.bans.add("default", BanKind.EMAIL, "spam@example.org", actor=MOD, reason="spam")
    services.bans.add("default", BanKind.NAME, "troll*", actor=MOD, days=2)
    services.words.add("default", WordKind.SUSPECT, ["casino"], actor=MOD)
    services.words.add("default", WordKind.BANNED, ["viagra"], actor=MOD)
    services.moderation.trust("default", email="ayse@example.org", actor=MOD)
    services.reports.report(reply.id, ReportReason.ABUSE, "rude", ClientInfo(ip="192.0.2.9"))
    services.sites.update("default", policy=Policy.HOLD_ALL, notify_emails=["m@example.org"])
    clock.advance(10)
    post(services, URIS[0], "Held for a moderator", author="New")
    with services.store.write() as tx:  # a thread that has no comment
        thread_rows.get_or_create(tx, "default", URIS[2], "Empty", clock())
    return services


def stored(services: Services) -> list[tuple[str, Comment]]:
    """Every comment of the default site with its thread's URI, by id."""
    found = []
    with services.store.read() as tx:
        for uri in URIS:
            thread = thread_rows.find(tx, "default", uri)
            assert thread is not None
            found += [(uri, c) for c in comment_rows.list_for_thread(tx, thread.id, list(Status))]
    return sorted(found, key=lambda item: item[1].id)


def export_json(services: Services) -> bytes:
    out = io.BytesIO()
    Exporter(services.store, "https://comments.example").json("default", out)
    return out.getvalue()


def test_the_json_export_validates_against_its_schema(site: Services) -> None:
    document = json.loads(export_json(site))
    jsonschema.validate(document, schema())
    assert document["format"] == "yorum-export" and document["version"] == 1
    assert {c["status"] for c in document["comments"]} == {"approved", "pending", "spam", "deleted"}
    assert len(document["threads"]) == 3 and len(document["audit_log"]) >= 6


def test_a_broken_document_fails_the_schema(site: Services) -> None:
    document = json.loads(export_json(site))
    document["comments"][0]["status"] = "hidden"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema())


def test_export_then_the_yorum_importer_gives_back_what_is_stored(site: Services) -> None:
    importer = load("yorum")
    assert isinstance(importer, YorumImporter)
    *records, restore = importer.parse(io.BytesIO(export_json(site)))
    assert isinstance(restore, Restore) and restore is importer.restore
    titles = {URIS[0]: "Merhaba", URIS[1]: "", URIS[2]: "Empty"}
    expected = [
        RestoredComment(
            source_id=str(c.id), thread=uri, title=titles[uri],
            parent=None if c.parent_id is None else str(c.parent_id), author=c.author,
            email=c.email, website=c.website, text=c.text_raw, created_at=c.created_at,
            status=c.status, likes=c.likes, dislikes=c.dislikes, edited_at=c.edited_at,
            html=c.text_html, ip_hash=c.ip_hash, avatar=c.avatar, pinned=c.pinned,
            locked=c.locked, hold_reason=c.hold_reason, notify=c.notify,
        )
        for uri, c in stored(site)
    ]  # fmt: skip
    verdicts = site.moderation.reasons([int(r.source_id) for r in records])
    for record in records:
        assert isinstance(record, RestoredComment)
        score, reasons = verdicts.get(int(record.source_id), (None, ()))
        assert (record.score, record.reasons) == (score, reasons)
    plain = [r.__class__(**{**r.__dict__, "score": None, "reasons": ()}) for r in records]
    assert plain == expected
    assert any(r.pinned for r in records) and any(r.locked for r in records)
    assert any(r.edited_at for r in records) and any(r.hold_reason for r in records)


def test_the_yorum_importer_gathers_everything_else(site: Services) -> None:
    importer = YorumImporter()
    list(importer.parse(io.BytesIO(export_json(site))))
    restore = importer.restore
    assert restore.site == site.sites.get("default")
    with site.store.read() as tx:
        threads = [thread_rows.find(tx, "default", uri) for uri in URIS]
    assert {t.uri: (t.title, t.locked, t.created_at) for t in restore.threads.values()} == {
        t.uri: (t.title, t.locked, t.created_at) for t in threads if t is not None
    }
    bans = site.bans.active("default")
    assert [(b.kind, b.value, b.reason, b.created_at, b.expires_at) for b in restore.bans] == [
        (b.kind, b.value, b.reason, b.created_at, b.expires_at) for b in bans
    ]
    assert sorted((w.kind, w.word) for w in restore.words) == sorted(
        (w.kind, w.word) for w in site.words.list("default")
    )
    trusted = [c.key for c in restore.commenters if c.trusted]
    assert trusted == [c.key for c in site.moderation.trusted("default")]
    reported = site.moderation.reported("default")
    assert [(r.comment, r.reason.value, r.note) for r in restore.reports] == [
        (str(r.comment.comment.id), "abuse", "rude") for r in reported
    ]
    audit = site.moderation.audit("default", limit=1000)
    assert [(a.actor, a.action, a.comment, a.uri, a.reason, a.created_at)
            for a in reversed(restore.audit_log)] == [
        (a.actor, a.action, None if a.comment_id is None else str(a.comment_id), a.uri,
         a.reason, a.at) for a in audit
    ]  # fmt: skip


def test_a_gzip_export_reads_back_the_same(site: Services) -> None:
    data = export_json(site)
    plain = list(YorumImporter().parse(io.BytesIO(data)))
    assert list(YorumImporter().parse(io.BytesIO(gzip.compress(data)))) == plain


def test_a_truncated_export_is_broken_input_after_what_was_whole(site: Services) -> None:
    data = export_json(site)
    cut = data[: data.index(b'"bans"') - 40]  # inside the last comment
    records = YorumImporter().parse(io.BytesIO(cut))
    whole = len(json.loads(data)["comments"]) - 1
    assert len([next(records) for _ in range(whole)]) == whole
    with pytest.raises(BrokenInput, match="Not valid JSON"):
        next(records)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "yorum-export", "version": 2, "threads": [{"uri": "/"}]}', "version 2"),
        (b'{"version": 1, "comments": [{"id": 1}]}', "format None"),
        (b'{"comments": []}', "no format marker"),
    ],
)
def test_what_is_not_a_yorum_export_of_a_known_version_is_refused(
    content: bytes, message: str
) -> None:
    with pytest.raises(BrokenInput, match=message):
        list(YorumImporter().parse(io.BytesIO(content)))


def test_a_comment_yorum_cannot_read_is_skipped_with_the_reason() -> None:
    content = (
        b'{"format": "yorum-export", "version": 1, "comments": ['
        b'{"id": 7, "thread": "/", "status": "shown"}]}'
    )
    [skipped, _] = YorumImporter().parse(io.BytesIO(content))
    assert isinstance(skipped, Skipped) and skipped.source_id == "7"
    assert "cannot read" in skipped.reason


def canonical(document: dict[str, Any], old_id: dict[int, int] | None = None) -> dict[str, Any]:
    """An export with its time left out, comment ids mapped back to the exporting server's
    (``old_id``), and each list in one order, so that two exports compare equal when they
    hold the same data."""

    def old(value: int | None) -> int | None:
        return value if value is None or old_id is None else old_id[value]

    document = {key: value for key, value in document.items() if key != "exported"}
    for comment in document["comments"]:
        comment["id"], comment["parent"] = old(comment["id"]), old(comment["parent"])
    for report in document["reports"]:
        report["comment"] = old(report["comment"])
    for entry in document["audit_log"]:
        entry["comment"] = old(entry["comment"])
    for key, value in document.items():
        if isinstance(value, list):
            document[key] = sorted(value, key=lambda item: json.dumps(item, sort_keys=True))
    return document


def restore_into(target: Services, data: bytes) -> ImportReport:
    return target.imports.run("default", load("yorum").parse(io.BytesIO(data)), source="yorum")


def test_a_database_round_trips_through_export_and_import(
    site: Services, settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    """Everything the export holds comes back on another server (a fresh SQLite database),
    and restoring the same file again adds nothing."""
    data = export_json(site)
    first = json.loads(data)
    elsewhere = with_overrides(
        settings,
        server={"data_dir": str(tmp_path / "elsewhere")},
        database={"url": f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"},
    )
    target = build(elsewhere, clock=clock)
    try:
        target.sites.ensure_default()
        report = restore_into(target, data)
        assert (report.imported, report.orphans, report.broken) == (len(first["comments"]), 0, "")
        assert not report.skipped and report.restored["reports"] == 1
        with target.store.read() as tx:
            rows = tx.execute(select(imported.c.comment_id, imported.c.source_id)).all()
        old_id = {comment_id: int(source_id) for comment_id, source_id in rows}
        assert canonical(json.loads(export_json(target)), old_id) == canonical(first)
        # What the restored server shows readers is what the first one showed.
        for uri in URIS:
            shown = [
                (c.author, c.text_html) for c in site.comments.thread_comments("default", uri, 99)
            ]
            again = target.comments.thread_comments("default", uri, 99)
            assert [(c.author, c.text_html) for c in again] == shown

        twice = restore_into(target, data)
        assert (twice.imported, twice.already_there) == (0, len(first["comments"]))
        assert {what: n for what, n in twice.restored.items() if n} == {
            "site settings": 1,
            "threads": len(URIS),
        }
        assert canonical(json.loads(export_json(target)), old_id) == canonical(first)
    finally:
        target.close()


def test_exporting_an_unknown_site_is_refused(services: Services) -> None:
    with pytest.raises(UnknownSite):
        Exporter(services.store, "").json("nope", io.BytesIO())


# -- WXR, read back by a reader written for the test ---------------------------------

NS = {
    "wp": "http://wordpress.org/export/1.2/",
    "dsq": "http://www.disqus.com/",
    "content": "http://purl.org/rss/1.0/modules/content/",
}


def read_wxr(data: bytes) -> list[dict[str, object]]:
    """Each item of a WXR document with its comments, as plain values."""
    root = ET.fromstring(data)
    items = []
    for item in root.iterfind("channel/item"):
        comments = [
            {
                field: c.findtext(f"wp:comment_{field}", namespaces=NS)
                for field in ("id", "parent", "author", "author_email", "author_url",
                              "date_gmt", "content", "approved")
            }
            for c in item.iterfind("wp:comment", NS)
        ]  # fmt: skip
        items.append(
            {
                "title": item.findtext("title"),
                "link": item.findtext("link"),
                "identifier": item.findtext("dsq:thread_identifier", namespaces=NS),
                "status": item.findtext("wp:comment_status", namespaces=NS),
                "comments": comments,
            }
        )
    return items


def gmt(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S")


def test_the_wxr_export_reads_back_as_the_stored_comments(site: Services) -> None:
    out = io.BytesIO()
    done = Exporter(site.store, "https://comments.example").wxr("default", out)
    items = read_wxr(out.getvalue())
    assert (done.threads, done.comments) == (3, len(stored(site)))
    approved = {Status.APPROVED: "1", Status.PENDING: "0", Status.SPAM: "spam",
                Status.DELETED: "trash"}  # fmt: skip
    by_thread: dict[str, list[dict[str, object]]] = {uri: [] for uri in URIS}
    for uri, c in stored(site):
        by_thread[uri].append(
            {"id": str(c.id), "parent": str(c.parent_id or 0), "author": c.author,
             "author_email": c.email, "author_url": c.website, "date_gmt": gmt(c.created_at),
             "content": c.text_html, "approved": approved[c.status]}
        )  # fmt: skip
    assert [(i["identifier"], i["comments"]) for i in items] == list(by_thread.items())
    assert items[0]["title"] == "Merhaba" and items[1]["title"] == URIS[1]
    assert [i["status"] for i in items] == ["open", "closed", "open"]
    assert items[0]["link"] == "https://comments.example/posts/merhaba/"


def test_wxr_leaves_out_characters_xml_cannot_hold(services: Services) -> None:
    with services.store.write() as tx:
        thread = thread_rows.get_or_create(tx, "default", "/x", "Bell \x07 title", 1.0)
        comment_rows.insert(
            tx, thread_id=thread.id, parent_id=None, depth=0, author="st\x1bart", email="",
            website="", text_raw="x", text_html="<p>form\x0cfeed</p>", status=Status.APPROVED,
            created_at=1.0, ip_hash="",
        )  # fmt: skip
    out = io.BytesIO()
    Exporter(services.store, "").wxr("default", out)
    [item] = read_wxr(out.getvalue())
    assert item["title"] == "Bell  title"
    assert item["comments"] == [
        {"id": "1", "parent": "0", "author": "start", "author_email": "",
         "author_url": "", "date_gmt": gmt(1.0), "content": "<p>formfeed</p>",
         "approved": "1"}
    ]  # fmt: skip


# -- the command -----------------------------------------------------------------------


def test_yorum_export_writes_a_file_or_standard_output(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    runner = CliRunner()
    result = runner.invoke(main, ["site", "add", "blog", "--data-dir", data])
    assert result.exit_code == 0, result.output
    target = tmp_path / "blog.json"
    result = runner.invoke(
        main, ["export", "--site", "blog", "--output", str(target), "--data-dir", data]
    )
    assert result.exit_code == 0, result.output
    assert "exported 0 threads, 0 comments" in result.stderr
    jsonschema.validate(json.loads(target.read_text()), schema())
    assert not list(tmp_path.glob("*.partial"))
    result = runner.invoke(
        main, ["export", "--site", "blog", "--format", "wxr", "--data-dir", data]
    )
    assert result.exit_code == 0 and read_wxr(result.stdout_bytes) == []


def test_yorum_export_of_an_unknown_site_fails_cleanly(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    result = CliRunner().invoke(
        main, ["export", "--site", "nope", "--output", str(target), "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 1 and "error: No site 'nope'." in result.stderr
    assert not target.exists() and not list(tmp_path.glob("*.partial"))


def test_a_site_moves_between_servers_with_the_two_commands(tmp_path: Path) -> None:
    old, new = str(tmp_path / "old"), str(tmp_path / "new")
    runner = CliRunner()
    for data in (old, new):
        assert runner.invoke(main, ["site", "add", "blog", "--data-dir", data]).exit_code == 0
    settings = with_overrides(
        Settings(), server={"data_dir": old}, database={"url": f"sqlite:///{old}/yorum.sqlite3"}
    )
    with_comments = build(with_overrides(settings, abuse=OPEN_GATE))
    try:
        first = with_comments.comments.post(
            NewComment("blog", "/a", "First", author="Ana"), READER
        ).comment
        with_comments.comments.post(NewComment("blog", "/a", "Reply", parent_id=first.id), READER)
    finally:
        with_comments.close()
    export = tmp_path / "blog.json.gz"
    result = runner.invoke(main, ["export", "--site", "blog", "--output", str(tmp_path / "b")]
                           + ["--data-dir", old])  # fmt: skip
    assert result.exit_code == 0, result.output
    export.write_bytes(gzip.compress((tmp_path / "b").read_bytes()))
    for _ in range(2):  # the second time, everything is already there
        result = runner.invoke(
            main, ["import", "yorum", str(export), "--site", "blog", "--data-dir", new]
        )
        assert result.exit_code == 0, result.output
    assert "comments imported:  0" in result.stdout and "already there:      2" in result.stdout
    assert "restored:" in result.stdout
    result = runner.invoke(main, ["export", "--site", "blog", "--data-dir", new])
    moved = json.loads(result.stdout)
    assert [(c["author"], c["text"], c["parent"] is not None) for c in moved["comments"]] == [
        ("Ana", "First", False),
        ("", "Reply", True),
    ]
