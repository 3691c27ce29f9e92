"""Every format's fixture through the import service, on SQLite and PostgreSQL: what the
importer yields is what the site holds, threads whole, and a second run changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.importers.test_isso import isso_db
from yorum.importers import ImportedComment, load
from yorum.models import Status
from yorum.services import Services
from yorum.storage.tables import comments, imported

DATA = Path(__file__).parent / "data"
FIXTURES = {
    "disqus": "disqus.xml",
    "wordpress": "wordpress.xml",
    "isso": "",  # built from isso.sql
    "remark42": "remark42-backup.jsonl",
    "commento": "commento-export.json",
}


def fixture(fmt: str, tmp_path: Path) -> Path:
    return isso_db(tmp_path) if fmt == "isso" else DATA / FIXTURES[fmt]


def records(fmt: str, path: Path) -> list[ImportedComment]:
    with path.open("rb") as source:
        return [r for r in load(fmt).parse(source) if isinstance(r, ImportedComment)]


@pytest.mark.parametrize("fmt", sorted(FIXTURES))
def test_each_format_imports_whole_and_only_once(
    services: Services, tmp_path: Path, fmt: str
) -> None:
    path = fixture(fmt, tmp_path)
    expected = {r.source_id: r for r in records(fmt, path)}
    with path.open("rb") as source:
        report = services.imports.run("default", load(fmt).parse(source), source=fmt)
    assert report.broken == ""
    with services.store.read() as tx:
        rows = tx.execute(
            select(imported.c.source_id, comments).join(
                comments, comments.c.id == imported.c.comment_id
            )
        ).all()
    stored = {row.source_id: row for row in rows}
    assert report.imported == len(stored) > 0
    # Every record is a comment, except deleted ones nobody answered, which are reported.
    dropped = set(expected) - set(stored)
    assert all(expected[d].status is Status.DELETED for d in dropped)
    assert report.skipped["deleted without replies"] == len(dropped)
    by_id = {row.id: row for row in rows}
    for source_id, row in stored.items():
        record = expected[source_id]
        assert row.status == record.status.value
        assert row.created_at == pytest.approx(record.created_at)
        if record.status is Status.DELETED:
            assert (row.author, row.email, row.text_raw, row.text_html) == ("", "", "", "")
        else:
            assert row.text_raw == record.text and (row.text_html or not record.text)
            assert "<script" not in row.text_html
        # Threading: the reply sits under its parent, one level down, in the same thread.
        parent = stored.get(record.parent or "")
        if parent is None:
            assert row.parent_id is None and row.depth == 0
        else:
            assert row.parent_id == parent.id and row.thread_id == parent.thread_id
            assert row.depth == by_id[parent.id].depth + 1
    with path.open("rb") as source:
        again = services.imports.run("default", load(fmt).parse(source), source=fmt)
    assert (again.imported, again.already_there) == (0, report.imported + len(dropped))
