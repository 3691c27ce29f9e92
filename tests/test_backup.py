"""Online backups of SQLite while comments are being written, and restoring one."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from tests.conftest import OPEN_GATE
from yorum.cli import main
from yorum.models import ClientInfo, NewComment
from yorum.services import build
from yorum.settings import Settings, with_overrides
from yorum.storage.tables import comments


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_a_backup_taken_under_writes_restores_whole(tmp_path: Path) -> None:
    data, copy = tmp_path / "data", tmp_path / "backups" / "b.sqlite3"
    settings = with_overrides(Settings(), server={"data_dir": str(data)}, abuse=OPEN_GATE)
    services = build(settings)
    services.sites.ensure_default()
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:
        i = 0
        while not stop.is_set():
            new = NewComment(site_id="default", uri=f"/p{i % 7}", text=f"comment {i}")
            written.append(
                services.comments.post(new, ClientInfo(f"10.0.{i // 250}.{i % 250}")).comment.id
            )
            i += 1

    writer = threading.Thread(target=write)
    writer.start()
    while len(written) < 50:
        time.sleep(0.01)
    code, out, err = run("backup", str(copy), "--data-dir", str(data))
    stop.set()
    writer.join()
    assert code == 0, err
    assert "integrity checked" in out and (tmp_path / "backups" / "b.sqlite3.secret.key").exists()
    assert run("backup", str(copy), "--data-dir", str(data))[0] == 1  # never overwrites
    services.close()
    # into a fresh data directory: the same comments, and the same secret
    fresh = tmp_path / "fresh"
    code, out, _ = run("restore", str(copy), "--data-dir", str(fresh))
    assert code == 0 and "restored" in out
    assert (fresh / "secret.key").read_bytes() == (data / "secret.key").read_bytes()
    restored = build(with_overrides(Settings(), server={"data_dir": str(fresh)}))
    try:
        with restored.store.read() as tx:
            ids = sorted(tx.execute(select(comments.c.id)).scalars())
        assert 50 <= len(ids) <= len(written)  # a consistent moment during the writes
        assert ids == sorted(written[: len(ids)])  # no gaps: every comment up to that moment
    finally:
        restored.close()
    assert run("restore", str(copy), "--data-dir", str(fresh))[0] == 1  # exists: --force
    assert run("restore", str(copy), "--force", "--data-dir", str(fresh))[0] == 0


def test_broken_backups_and_postgresql_are_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    code, _, err = run("restore", str(junk), "--data-dir", str(tmp_path / "d"))
    assert code == 1 and "not a SQLite database" in err
    code, _, err = run("backup", str(tmp_path / "x"), "--data-dir", str(tmp_path / "d"))
    assert code == 1 and "no database" in err
    env = {"YORUM_DATABASE_URL": "postgresql://postgres@127.0.0.1/test"}
    result = CliRunner(env=env).invoke(main, ["backup", str(tmp_path / "y")])
    assert result.exit_code == 1 and "pg_dump" in result.stderr
