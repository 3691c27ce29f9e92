"""Writing imported records: idempotent, threads whole, placeholders, remapping, dry runs,
broken input keeping the batches before it; and ``yorum import`` end to end."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from yorum import imports
from yorum.cli import main
from yorum.importers import BrokenInput, ImportedComment, Record, Skipped, load
from yorum.imports import ImportReport
from yorum.models import Policy, Status
from yorum.services import Services

DATA = Path(__file__).parent / "data" / "disqus.xml"


def disqus(source: bytes | None = None) -> Iterator[Record]:
    return load("disqus").parse(io.BytesIO(source if source is not None else DATA.read_bytes()))


@pytest.fixture
def site(services: Services) -> Services:
    services.sites.add("news", origins=["https://news.example.org"], policy=Policy.OPEN)
    return services


def thread_of(services: Services, uri: str) -> list[tuple[str, str, int, str]]:
    page = services.comments.page("news", uri)
    out = []

    def walk(nodes: list) -> None:  # type: ignore[type-arg]
        for node in nodes:
            c = node.comment
            out.append((c.author, c.status.value, c.depth, c.text_raw))
            walk(node.replies)

    walk(page.nodes)
    return out


def test_a_disqus_export_imports_whole_and_only_once(site: Services) -> None:
    report = site.imports.run("news", disqus(), source="disqus")
    assert (report.read, report.imported, report.already, report.threads) == (7, 5, 0, 2)
    assert report.skipped == {
        "no readable createdAt date": 1,
        "its thread is not in the file (or has no link)": 1,
    }
    # the reply came before its parent in the file, and sits under it
    assert thread_of(site, "/2024/budget") == [
        ("Elif", "approved", 0, "Çok güzel bir yazı — teşekkürler!\n\n"
                                "Second paragraph with a [link](https://example.org/x)."),
        ("Marek", "approved", 1, "A reply that comes **before** its parent."),
    ]  # fmt: skip
    # the deleted comment stays as a placeholder, since Amina answered it; spam is hidden
    assert thread_of(site, "/2024/transit") == [
        ("", "deleted", 0, ""), ("Amina", "approved", 1, "Answer to a deleted comment"),
    ]  # fmt: skip
    assert [h.comment.status for h in site.moderation.pending("news")] == []
    again = site.imports.run("news", disqus(), source="disqus")
    assert (again.imported, again.already) == (0, 5)
    assert len(thread_of(site, "/2024/budget")) == 2  # nothing twice


def test_deleted_comments_nobody_answered_are_left_out(site: Services) -> None:
    lonely = [
        ImportedComment("1", "/a", "A", None, "X", "", "", "gone", 1.0, Status.DELETED),
        ImportedComment("2", "/a", "A", None, "Y", "", "", "here", 2.0, Status.APPROVED),
    ]
    report = site.imports.run("news", iter(lonely), source="test")
    assert report.imported == 1 and report.skipped["deleted, and nobody replied to it"] == 1
    assert thread_of(site, "/a") == [("Y", "approved", 0, "here")]


def test_remapping_and_dry_runs(site: Services) -> None:
    dry = site.imports.run("news", disqus(), source="disqus", dry_run=True)
    assert dry.imported == 5 and site.comments.page("news", "/2024/budget").total == 0
    moved = [("https://news.example.org/2024/", "https://news.example.org/y24/")]
    site.imports.run("news", disqus(), source="disqus", remap=moved)
    assert site.comments.page("news", "/y24/budget").total == 2
    assert imports.remapper([], site.sites.get("news"))("https://elsewhere.example/x") == (
        "https://elsewhere.example/x"
    )


def test_a_broken_file_keeps_the_batches_before_it(
    site: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "BATCH", 2)
    data = DATA.read_bytes()
    truncated = data[: data.index(b'<post dsq:id="2005">') + 30]
    report = ImportReport()
    with pytest.raises(BrokenInput):
        site.imports.run("news", disqus(truncated), source="disqus", report=report)
    # two full batches (4 records) were written; the third broke off and left nothing
    assert report.read == 4 and report.imported == 4
    # what was committed is whole: the early reply found its parent
    assert [(a, d) for a, _, d, _ in thread_of(site, "/2024/budget")] == [("Elif", 0), ("Marek", 1)]
    fixed = site.imports.run("news", disqus(), source="disqus")
    assert fixed.already == 4 and fixed.imported == 1  # the spam comment


def test_the_command_line(tmp_path: Path) -> None:
    data_dir = str(tmp_path / "d")
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(main, [*args, "--data-dir", data_dir], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    assert run("site", "add", "news", "--origin", "https://news.example.org")[0] == 0
    code, out, _ = run("import", "disqus", str(DATA), "--site", "news", "--dry-run")
    assert code == 0 and "would import 5" in out
    code, out, _ = run("import", "disqus", str(DATA), "--site", "news")
    assert code == 0 and "imported 5" in out and "skipped 1: no readable createdAt date" in out
    assert "    2006: no readable createdAt date" in out
    code, out, _ = run("import", "disqus", str(DATA), "--site", "news")
    assert "imported 0, 5 already there" in out
    broken = tmp_path / "broken.xml"
    broken.write_bytes(DATA.read_bytes()[:900])
    code, _, err = run("import", "disqus", str(broken), "--site", "news")
    assert code == 1 and "cannot be read past line" in err
    code, _, err = run("import", "nosuch", str(DATA), "--site", "news")
    assert code == 1 and "No importer for 'nosuch'" in err
    assert run("import", "disqus", str(DATA), "--map", "nonsense")[0] == 2
    assert Skipped("", "x").reason == "x"
