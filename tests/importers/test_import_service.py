"""The import service: records into a site, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

import yorum.cli.imports
import yorum.import_run
from yorum.cli import main
from yorum.errors import Invalid, UnknownSite
from yorum.import_report import ImportReport
from yorum.importers import BrokenInput, ImportedComment, Record, load
from yorum.models import Policy, Site, Status
from yorum.remap import Remap
from yorum.services import Services
from yorum.storage.tables import comments, imported, threads

DATA = Path(__file__).parent / "data"


def run(
    services: Services,
    records: list[Record] | Iterator[Record],
    *,
    site: str = "default",
    source: str = "test",
    remap: Remap | None = None,
    dry_run: bool = False,
) -> ImportReport:
    return services.imports.run(
        site, records, source=source, remap=remap or Remap(), dry_run=dry_run
    )


def from_file(services: Services, name: str, fmt: str, **options: Any) -> ImportReport:
    with (DATA / name).open("rb") as source:
        return run(services, load(fmt).parse(source), source=fmt, **options)


def table(services: Services, which: Any) -> list[Any]:
    with services.store.read() as tx:
        return [tuple(row) for row in tx.execute(select(which))]


def stored(services: Services, source: str = "disqus") -> dict[str, Any]:
    """The comment each source id became, by source id."""
    with services.store.read() as tx:
        rows = tx.execute(
            select(imported.c.source_id, comments)
            .join(comments, comments.c.id == imported.c.comment_id)
            .where(imported.c.source == source)
        ).all()
    return {row.source_id: row for row in rows}


def comment(source_id: str, **fields: Any) -> ImportedComment:
    values: dict[str, Any] = {
        "source_id": source_id,
        "thread": "/page",
        "title": "A page",
        "parent": None,
        "author": "Someone",
        "email": "",
        "website": "",
        "text": f"Comment {source_id}",
        "created_at": 1_600_000_000.0,
        "status": Status.APPROVED,
    }
    return ImportedComment(**{**values, **fields})


def test_a_disqus_export_is_imported_whole(services: Services) -> None:
    report = from_file(services, "disqus.xml", "disqus")
    assert (report.read, report.imported, report.already_there) == (15, 10, 0)
    assert report.threads_created == 3 and report.orphans == 1 and not report.broken
    assert report.skipped == {
        "no valid date (createdAt)": 1,
        "its thread is not in the export": 1,
        "its thread has no link": 1,
        "empty message": 1,
        "deleted without replies": 1,
    }
    assert [e.source_id for e in report.examples] == ["9011", "9012", "9013", "9015", "9006"]
    # The default site allows any origin, so full URLs become paths.
    pages = {uri: title for _, _, uri, title, *_ in table(services, threads)}
    assert pages == {
        "/2019/green-tea/": "Green tea & its temperatures",
        "/çay/": "Çay, demlik & semaver",
        "/oolong?ref=feed": "Oolong",
    }


def test_fields_are_carried_over_and_the_text_rendered(services: Services) -> None:
    from_file(services, "disqus.xml", "disqus")
    ann = stored(services)["9001"]
    assert (ann.author, ann.email, ann.status) == ("Ann Brewer", "ann@example.net", "approved")
    assert ann.created_at == 1551518100.0
    assert ann.text_raw.startswith("Lovely article. I brew at **80°C**")
    assert "<strong>80°C</strong>" in ann.text_html
    assert '<a href="https://example.net/brewing" rel="nofollow ugc noopener">' in ann.text_html
    assert ann.ip_hash == services.comments.hash_ip("198.51.100.7") and ann.ip_hash != ""
    assert ann.avatar != ""
    script = stored(services)["9010"]
    assert "&lt;script&gt;" in script.text_html and "<script>" not in script.text_html
    assert script.ip_hash == ""


def test_threading_survives_parents_that_come_after_their_children(
    services: Services,
) -> None:
    from_file(services, "disqus.xml", "disqus")
    posts = stored(services)
    assert posts["9002"].parent_id == posts["9001"].id and posts["9002"].depth == 1
    assert posts["9003"].parent_id == posts["9002"].id and posts["9003"].depth == 2
    assert posts["9009"].parent_id is None and posts["9009"].depth == 0  # the orphan


def test_deleted_comments_stay_as_placeholders_only_when_answered(services: Services) -> None:
    from_file(services, "disqus.xml", "disqus")
    posts = stored(services)
    placeholder = posts["9004"]
    assert placeholder.status == "deleted"
    assert (placeholder.text_raw, placeholder.text_html, placeholder.author) == ("", "", "")
    assert posts["9005"].parent_id == placeholder.id
    assert "9006" not in posts


def test_statuses_are_kept(services: Services) -> None:
    from_file(services, "disqus.xml", "disqus")
    posts = stored(services)
    assert posts["9007"].status == "spam" and posts["9008"].status == "pending"


def test_importing_twice_changes_nothing(services: Services) -> None:
    first = from_file(services, "disqus.xml", "disqus")
    before = [table(services, t) for t in (comments, threads, imported)]
    again = from_file(services, "disqus.xml", "disqus")
    assert [table(services, t) for t in (comments, threads, imported)] == before
    assert (again.read, again.imported, again.already_there) == (15, 0, 11)
    assert again.threads_created == 0 and again.orphans == 0
    assert sum(again.skipped.values()) == sum(first.skipped.values()) - 1  # 9006 is known


def test_a_dry_run_reports_the_same_and_writes_nothing(services: Services) -> None:
    dry = from_file(services, "disqus.xml", "disqus", dry_run=True)
    assert table(services, comments) == [] and table(services, imported) == []
    assert table(services, threads) == []
    real = from_file(services, "disqus.xml", "disqus")
    assert dataclasses.replace(dry, dry_run=False) == real
    assert "dry run" in dry.lines()[0] and "dry run" not in real.lines()[0]


def test_broken_input_keeps_earlier_batches_and_none_of_the_broken_one(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yorum.import_run, "BATCH", 3)

    def source() -> Iterator[Record]:
        yield from (comment(str(n)) for n in range(1, 6))
        raise BrokenInput("The file breaks off at line 99.")

    report = run(services, source())
    assert report.broken == "The file breaks off at line 99."
    assert (report.read, report.imported) == (3, 3)
    assert sorted(stored(services, "test")) == ["1", "2", "3"]
    assert "  stopped: The file breaks off at line 99." in report.lines()


def test_a_truncated_export_in_one_batch_imports_nothing(services: Services) -> None:
    report = from_file(services, "disqus_truncated.xml", "disqus")
    assert "line 82" in report.broken
    assert (report.read, report.imported) == (0, 0) and table(services, comments) == []


def test_a_truncated_export_keeps_the_batches_before_the_break(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yorum.import_run, "BATCH", 1)
    report = from_file(services, "disqus_truncated.xml", "disqus")
    assert "line 82" in report.broken
    assert report.imported == 2 and report.orphans == 1  # 9003's parent was cut off
    assert sorted(stored(services)) == ["9001", "9003"]


def test_parents_in_later_batches_are_linked_and_depths_fixed(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yorum.import_run, "BATCH", 2)
    chain = [
        comment("d", parent="c"),
        comment("x"),
        comment("c", parent="b"),
        comment("b", parent="a"),
        comment("e", parent="d"),
        comment("a"),
    ]
    report = run(services, chain)
    assert report.imported == 6 and report.orphans == 0
    posts = stored(services, "test")
    for child, parent, depth in [("b", "a", 1), ("c", "b", 2), ("d", "c", 3), ("e", "d", 4)]:
        assert posts[child].parent_id == posts[parent].id
        assert posts[child].depth == depth


def test_a_cycle_of_replies_is_cut_and_reported(services: Services) -> None:
    report = run(
        services, [comment("a", parent="b"), comment("b", parent="a"), comment("c", parent="c")]
    )
    posts = stored(services, "test")
    assert report.imported == 3 and report.orphans == 1
    top = [p for p in posts.values() if p.parent_id is None]
    assert {p.depth for p in top} == {0} and len(top) == 2  # c, and one of a and b
    reply = next(p for p in posts.values() if p.parent_id is not None)
    assert reply.depth == 1


def test_votes_dates_and_websites_are_carried_over(services: Services) -> None:
    run(
        services,
        [comment("v", likes=7, dislikes=2, website="https://v.example", edited_at=1_600_000_500.0)],
    )
    post = stored(services, "test")["v"]
    assert (post.likes, post.dislikes, post.website) == (7, 2, "https://v.example")
    assert (post.created_at, post.edited_at) == (1_600_000_000.0, 1_600_000_500.0)


def test_over_long_names_are_shortened_with_a_note(services: Services) -> None:
    report = run(services, [comment("n", author="N" * 300), comment("m", email="e" * 300)])
    post = stored(services, "test")["n"]
    limit = services.settings.comments.max_name_length
    assert len(post.author) == limit and post.author.endswith("…")
    assert report.notes == {
        f"author names shortened to {limit} characters": 1,
        "e-mail addresses over 254 characters left out": 1,
    }
    assert stored(services, "test")["m"].email == ""


def test_threads_are_bumped_so_caches_see_the_import(services: Services) -> None:
    assert services.comments.thread_comments("default", "/page", 10) == []
    run(services, [comment("1")])
    (before,) = table(services, threads)
    assert len(services.comments.thread_comments("default", "/page", 10)) == 1
    run(services, [comment("2", parent="1")])
    (after,) = table(services, threads)
    assert after[6] > before[6]  # version
    assert len(services.comments.thread_comments("default", "/page", 10)) == 2


def test_remapping_moves_threads_and_urls_of_the_site_become_paths(services: Services) -> None:
    services.sites.add("tea", origins=["https://blog.example.org"])
    remap = Remap.parse(["https://old-blog.example.com/=https://blog.example.org/"])
    from_file(services, "disqus.xml", "disqus", site="tea", remap=remap)
    uris = sorted(uri for _, _, uri, *_ in table(services, threads))
    assert uris == ["/2019/green-tea/", "/oolong?ref=feed", "/çay/"]


def test_a_wordpress_export_is_imported(services: Services) -> None:
    report = from_file(services, "wordpress.xml", "wordpress")
    posts = stored(services, "wordpress")
    assert report.imported == 7 and report.orphans == 1 and report.threads_created == 2
    assert report.skipped["deleted without replies"] == 1 and "203" not in posts
    assert posts["201"].status == "deleted" and posts["202"].parent_id == posts["201"].id
    assert posts["102"].parent_id == posts["101"].id
    assert posts["101"].text_html == (
        "<p>First paragraph with <strong>bold</strong> &amp; an ampersand.</p>\n"
        "<p>Second paragraph,<br>\nwith a line break.</p>"
    )


def test_an_unknown_site_is_refused(services: Services) -> None:
    with pytest.raises(UnknownSite):
        run(services, [comment("1")], site="nowhere")


def test_remap_rules_longest_prefix_first_and_from_a_file(tmp_path: Path) -> None:
    map_file = tmp_path / "moves.txt"
    map_file.write_text(
        "# old new\n/blog/ /posts/\n\n/blog/2019/ /archive/2019/\n", encoding="utf-8"
    )
    remap = Remap.parse(["https://old.example.com=https://new.example.org"], map_file)
    site = Site("s", "S", ("https://new.example.org",), "en", Policy.OPEN, 0.0)
    assert remap.key("/blog/2019/tea", site) == "/archive/2019/tea"
    assert remap.key("/blog/2020/tea", site) == "/posts/2020/tea"
    assert remap.key("https://old.example.com/a?b=1", site) == "/a?b=1"
    assert remap.key("https://elsewhere.example.net/a", site) == "https://elsewhere.example.net/a"


@pytest.mark.parametrize(
    ("maps", "lines", "message"),
    [
        (["no-equals-sign"], "", "OLD_PREFIX=NEW_PREFIX"),
        (["=/new"], "", "OLD_PREFIX=NEW_PREFIX"),
        ([], "/a /b /c\n", "line 1: want 'OLD NEW'"),
    ],
)
def test_bad_remap_rules_are_refused(
    tmp_path: Path, maps: list[str], lines: str, message: str
) -> None:
    map_file = tmp_path / "moves.txt"
    map_file.write_text(lines, encoding="utf-8")
    with pytest.raises(Invalid, match=message):
        Remap.parse(maps, map_file)


def test_a_missing_map_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Invalid, match="Cannot read"):
        Remap.parse([], tmp_path / "nope.txt")


# -- the command line --------------------------------------------------------------------


def cli(tmp_path: Path, *args: str) -> Result:
    env = {"YORUM_DATA_DIR": str(tmp_path / "data")}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_the_command_imports_reports_and_is_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yorum.cli.imports, "PLAIN_EVERY", 0.0)
    assert (
        cli(tmp_path, "site", "add", "blog", "--origin", "https://blog.example.org").exit_code == 0
    )
    export = str(DATA / "disqus.xml")
    dry = cli(tmp_path, "import", "disqus", export, "--site", "blog", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "(dry run: nothing was written)" in dry.stdout
    assert "comments imported:  10  (would be stored)" in dry.stdout
    assert "read 15 records (100% of the file)" in dry.stderr  # plain progress, no terminal
    first = cli(
        tmp_path, "import", "disqus", export, "--site", "blog",
        "--map", "https://old-blog.example.com/=https://blog.example.org/",
    )  # fmt: skip
    assert first.exit_code == 0, first.output
    assert "comments imported:  10  (were stored)" in first.stdout
    assert "9006: deleted without replies" in first.stdout
    again = cli(tmp_path, "import", "disqus", export, "--site", "blog")
    assert "comments imported:  0" in again.stdout and "already there:      11" in again.stdout
    listed = cli(tmp_path, "comments", "pending", "--site", "blog")
    assert "Waiting for a moderator." in listed.stdout


def test_the_command_exits_1_on_a_broken_file_after_reporting(tmp_path: Path) -> None:
    assert cli(tmp_path, "site", "add", "blog").exit_code == 0
    result = cli(
        tmp_path, "import", "wordpress", str(DATA / "wordpress_truncated.xml"), "--site", "blog"
    )
    assert result.exit_code == 1
    assert "stopped: The WordPress export breaks off or is malformed" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["import", "nope", str(DATA / "disqus.xml"), "--site", "blog"], 2,
         "No importer for 'nope'"),
        (["import", "disqus", str(DATA / "disqus.xml"), "--site", "elsewhere"], 1, "no site"),
        (["import", "disqus", str(DATA / "disqus.xml"), "--site", "blog", "--map", "x"], 1,
         "--map wants OLD_PREFIX=NEW_PREFIX"),
    ],
)  # fmt: skip
def test_the_command_refuses_what_it_cannot_do(
    tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    assert cli(tmp_path, "site", "add", "blog").exit_code == 0
    result = cli(tmp_path, *args)
    assert result.exit_code == code and message in result.output


# -- the benchmark -----------------------------------------------------------------------


def test_the_benchmark_script_runs_scaled_down() -> None:
    script = Path(__file__).resolve().parents[2] / "bench" / "import_disqus.py"
    result = subprocess.run(
        [sys.executable, str(script), "--comments", "20000", "--threads", "400"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(
        r"20,000 comments in 400 threads \(\d+ MiB of XML\): imported 19,\d{3} in [\d.]+ s "
        r"\([\d,]+/s\), peak RSS \d+ MiB \(\d+ MiB before the import; "
        r"largest child process ≤?\d+ MiB\)\n",
        result.stdout,
    ), result.stdout


def test_what_a_readers_erasure_removed_is_not_imported_again(services: Services) -> None:
    from_file(services, "disqus.xml", "disqus")
    before = {source_id for source_id, row in stored(services).items()}
    erased = services.readers.erase("default", "cem@example.org", actor="test")
    assert erased.deleted + erased.anonymized >= 1
    gone = before - set(stored(services))
    assert gone, "the erasure removed at least one imported comment"
    with services.store.read() as tx:
        rows = tx.execute(
            select(imported.c.comment_id).where(imported.c.source_id.in_(sorted(gone)))
        ).scalars()
        assert set(rows) == {None}  # the records are remembered without their comment
    again = from_file(services, "disqus.xml", "disqus")
    assert again.imported == 0 and set(stored(services)) == before - gone
