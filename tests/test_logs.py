"""Structured logs: JSON lines with request ids, and nothing private in them."""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from pathlib import Path

import httpx2 as httpx
import pytest
import structlog

from tests.servers import Server, free_port
from yorum.logs import configure, redact, request_id_from
from yorum.settings import LogSettings

TEXT = "zanzibar-quokka-7731 says hello"
EMAIL = "quokka.reader@example.net"
NAME = "Quokkaname Zanzibaris"
ADDRESS = "203.0.113.77"  # a documentation address, sent as X-Forwarded-For


def test_a_sent_request_id_is_kept_only_when_well_formed() -> None:
    assert request_id_from(b"abc-123_x.y:z") == "abc-123_x.y:z"
    for bad in (b"", b"a b", b"x" * 129, b"<script>", "é".encode()):
        made = request_id_from(bad)
        assert made != bad.decode("latin-1") and len(made) == 16


def test_redact_masks_addresses_and_sql_values() -> None:
    event = {
        "event": f"mail server refused <{EMAIL}>: 550",
        "exception": "IntegrityError: boom\n[SQL: INSERT INTO comments ...]\n"
        f"[parameters: (1, '{TEXT}', '{EMAIL}')]\nDETAIL: Key (text)=({TEXT}) exists.",
        "count": 3,
    }
    out = redact(None, "info", event)
    assert EMAIL not in json.dumps(out) and TEXT not in json.dumps(out)
    assert "(e-mail)" in out["event"] and "[SQL: INSERT INTO comments ...]" in out["exception"]
    assert out["count"] == 3


def test_a_real_server_logs_json_with_request_ids_and_nothing_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    database = data / "yorum.sqlite3"
    server = Server(
        data,
        f"sqlite:///{database}",
        env={
            "YORUM_LOG_FORMAT": "json",
            "YORUM_LOG_REQUESTS": "true",
            # Mail goes to a closed port: every delivery fails and is logged.
            "YORUM_SMTP_HOST": "127.0.0.1",
            "YORUM_SMTP_PORT": str(free_port()),
            "YORUM_SMTP_SECURITY": "none",
            "YORUM_NOTIFY_POLL_INTERVAL": "1",
        },
    )
    server.start()
    try:
        headers = {"x-forwarded-for": ADDRESS}
        url = f"{server.url}/api/comments"
        body = {"site": "default", "uri": "/private/page", "text": TEXT, "email": EMAIL,
                "author": NAME, "notify": True}  # fmt: skip
        posted = httpx.post(url, json=body, headers=headers)
        assert posted.status_code == 201, posted.text
        duplicate = httpx.post(url, json=body, headers=headers)
        assert duplicate.status_code == 409
        bad = httpx.post(url, json={**body, "email": EMAIL + " not"}, headers=headers)
        assert bad.status_code == 422
        # A database that refuses every new comment: the unhandled error is a 500, and
        # SQLAlchemy's message holds the comment's values.
        with sqlite3.connect(database) as db:
            db.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON comments "
                "BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END"
            )
        failing = httpx.post(
            url, json={**body, "text": TEXT + " again"},
            headers={**headers, "x-request-id": "trace-500-abc"},
        )  # fmt: skip
        assert failing.status_code == 500
        assert failing.headers["x-request-id"] == "trace-500-abc"
        deadline = time.monotonic() + 20
        while "failed (attempt 1 of" not in server.log.read_text():
            assert time.monotonic() < deadline, "the failed delivery was not logged"
            time.sleep(0.2)
    finally:
        server.stop()

    lines = [line for line in server.log.read_text().splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    assert records and all("level" in r and "event" in r for r in records)
    assert any(r.get("logger") == "uvicorn.error" for r in records)  # uvicorn's own, as JSON
    whole = server.log.read_text()
    for secret in (TEXT, EMAIL, NAME, ADDRESS, "/private/page"):
        assert secret not in whole, secret

    unhandled = [r for r in records if r["event"].startswith("unhandled error")]
    assert unhandled and unhandled[0]["request_id"] == "trace-500-abc"
    assert "parameters hidden" in unhandled[0]["exception"]  # the SQL values never logged
    requests = [r for r in records if r["event"] == "request"]
    assert {(r["method"], r["route"], r["status"]) for r in requests} >= {
        ("POST", "/api/comments", 201),
        ("POST", "/api/comments", 409),
        ("POST", "/api/comments", 422),
        ("POST", "/api/comments", 500),
    }
    assert all(len(r["request_id"]) >= 1 and r["duration_ms"] >= 0 for r in requests)
    assert any("failed (attempt 1 of" in r["event"] for r in records)


def test_text_logs_are_plain_lines(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    level = root.level
    configure(LogSettings(format="text"))
    try:
        structlog.get_logger("yorum.test").warning("plain words", count=2)
    finally:
        for handler in [h for h in root.handlers if h.get_name() == "yorum"]:
            root.removeHandler(handler)
        root.setLevel(level)
    err = capsys.readouterr().err
    assert "plain words" in err and "count=2" in err and not err.lstrip().startswith("{")
