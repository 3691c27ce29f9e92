"""Filling databases for the scale bench: yorum's (SQLite or PostgreSQL) and Isso's.

yorum's database is created by yorum itself (``services.build`` runs the migrations and
writes the install's keys into the data directory the server will use), then filled
through the tables of ``yorum.storage.tables`` with the drivers' bulk paths: one
``executemany`` on SQLite, ``COPY`` on PostgreSQL. The indexes of ``comments`` are dropped
before and built after, and foreign keys are not checked while filling (the generator
only refers to rows it wrote before). IP hashes and avatar seeds are made with the
install's keys, as ``yorum serve`` makes them; HTML comes from ``yorum.render``.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.scale.data import Plan, commenters, rows, texts, uri
from yorum import keys
from yorum.privacy import AvatarSeeds, IpHasher
from yorum.render import render
from yorum.services import build
from yorum.settings import Settings, with_overrides
from yorum.storage.tables import comments, threads

TEXTS = 4000
"""Distinct comment texts (each rendered once)."""
PEOPLE = 50_000
"""Distinct commenters."""
BATCH = 20_000


@dataclass
class Filled:
    """What filling one database took."""

    comments: int
    threads: int
    seconds: float
    megabytes: float


def settings_for(url: str, data_dir: Path) -> Settings:
    """yorum's settings for this database and data directory."""
    return with_overrides(Settings(), server={"data_dir": str(data_dir)}, database={"url": url})


def _comment_tuples(plan: Plan, data_dir: Path, sqlite: bool) -> Iterator[list[tuple[Any, ...]]]:
    """The plan's comments as ``comments`` rows (in table column order), in batches."""
    rng = random.Random(plan.seed + 2)
    pool = texts(rng, TEXTS)
    html = [render(t) for t in pool]
    people = commenters(rng, PEOPLE)
    install = keys.load_or_create(data_dir)
    hash_ip, avatar = IpHasher(install.ip_hash), AvatarSeeds(install.avatar)
    who = [
        (p.name, p.email, p.website, hash_ip(p.address), avatar(p.email, p.name)) for p in people
    ]
    no, yes = (0, 1) if sqlite else (False, True)
    names = [c.name for c in comments.columns]
    assert names == [
        "id", "thread_id", "parent_id", "depth", "author", "email", "website", "text_raw",
        "text_html", "status", "created_at", "edited_at", "ip_hash", "likes", "dislikes",
        "avatar", "pinned", "locked", "hold_reason", "notify",
    ], names  # fmt: skip
    batch: list[tuple[Any, ...]] = []
    for r in rows(plan):
        name, email, website, ip_hash, seed = who[r.author % PEOPLE]
        if r.text < 0:  # a deleted comment with its row kept: blanked, as yorum leaves it
            raw = body = name = email = website = seed = ""
        else:
            raw, body = pool[r.text % TEXTS], html[r.text % TEXTS]
        reason = "Held: a new commenter." if r.status == "pending" else ""
        batch.append(
            (r.id, r.thread, r.parent, r.depth, name, email, website, raw, body, r.status,
             r.created_at, None, ip_hash, r.likes, 0, seed, no, no, reason,
             yes if email and r.id % 7 == 0 else no)
        )  # fmt: skip
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _thread_tuples(plan: Plan, sqlite: bool) -> list[tuple[Any, ...]]:
    no = 0 if sqlite else False
    return [
        (t, "default", uri(t, plan.read_threads), f"Page {t}", no, 1_500_000_000.0, 1)
        for t in range(1, plan.threads + 1)
    ]


def fill_yorum(url: str, data_dir: Path, plan: Plan) -> Filled:
    """Create yorum's schema, the default site and the plan's threads and comments."""
    started = time.perf_counter()
    services = build(settings_for(url, data_dir))
    services.sites.ensure_default()
    engine = services.store.engine
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as conn:
        for index in comments.indexes:
            index.drop(conn)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        thread_columns = ", ".join(c.name for c in threads.columns)
        comment_columns = ", ".join(c.name for c in comments.columns)
        if sqlite:
            cur.execute("PRAGMA foreign_keys = OFF")
            cur.execute("PRAGMA synchronous = OFF")
            cur.execute("PRAGMA cache_size = -262144")
            cur.execute("BEGIN")
            marks = ", ".join("?" * len(threads.columns))
            cur.executemany(
                f"INSERT INTO threads ({thread_columns}) VALUES ({marks})",
                _thread_tuples(plan, True),
            )
            marks = ", ".join("?" * len(comments.columns))
            sql = f"INSERT INTO comments ({comment_columns}) VALUES ({marks})"
            for batch in _comment_tuples(plan, data_dir, True):
                cur.executemany(sql, batch)
        else:
            cur.execute("SET session_replication_role = replica")  # no FK triggers
            cur.execute("SET synchronous_commit = off")
            with cur.copy(f"COPY threads ({thread_columns}) FROM STDIN") as copy:
                for row in _thread_tuples(plan, False):
                    copy.write_row(row)
            with cur.copy(f"COPY comments ({comment_columns}) FROM STDIN") as copy:
                for batch in _comment_tuples(plan, data_dir, False):
                    for row in batch:
                        copy.write_row(row)
            for table in ("threads", "comments"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
        raw.commit()
    finally:
        raw.close()
    with engine.begin() as conn:
        for index in comments.indexes:
            index.create(conn)
    if sqlite:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        size = Path(make_url(url).database or "").stat().st_size
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")  # what autovacuum would have done by now
            size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    services.close()
    return Filled(plan.comments, plan.threads, time.perf_counter() - started, size / 2**20)


def create_pg_database(admin_url: str, name: str) -> str:
    """Create database ``name`` (dropping one left by an earlier run); return its URL."""
    drop_pg_database(admin_url, name)
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(admin_url: str, name: str) -> None:
    """Drop database ``name`` if it exists, sessions and all."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


def fill_isso(db_path: Path, conf_path: Path, plan: Plan) -> Filled:
    """Isso's schema (made by Isso's own code) filled with the plan's comments.

    Isso stores the Markdown and renders it on every read, so only the raw text goes in;
    replies hang under their top-level ancestor, as Isso keeps them; addresses are
    anonymized as Isso does (the last byte zeroed), and each comment has
    the 256-byte voters' Bloom filter Isso keeps.
    """
    from isso import config as isso_config
    from isso import db as isso_db
    from isso.utils import Bloomfilter

    started = time.perf_counter()
    conf = isso_config.load(isso_config.default_file(), str(conf_path))
    isso_db.SQLite3(str(db_path), conf)  # creates the tables and sets the schema version
    rng = random.Random(plan.seed + 2)
    pool = texts(rng, TEXTS)
    people = commenters(rng, PEOPLE)
    addresses = [p.address.rsplit(".", 1)[0] + ".0" for p in people]
    voters = [memoryview(Bloomfilter(iterable=[a]).array) for a in addresses[:256]]
    mode = {"approved": 1, "pending": 2, "spam": 2, "deleted": 4}
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA synchronous = OFF")
    with conn:
        conn.executemany(
            "INSERT INTO threads (id, uri, title) VALUES (?, ?, ?)",
            [(t, uri(t, plan.read_threads), f"Page {t}") for t in range(1, plan.threads + 1)],
        )
        batch: list[tuple[Any, ...]] = []
        sql = (
            "INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr, "
            "text, author, email, website, likes, dislikes, voters, notification) "
            "VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0)"
        )
        top: dict[int, int] = {}  # comment -> its top-level ancestor (Isso nests one level)
        for r in rows(plan):
            top[r.id] = r.id if r.parent is None else top[r.parent]
            person = people[r.author % PEOPLE]
            deleted = r.text < 0
            parent = None if r.parent is None else top[r.parent]
            batch.append(
                (r.thread, r.id, parent, r.created_at, mode[r.status],
                 addresses[r.author % PEOPLE], "" if deleted else pool[r.text % TEXTS],
                 None if deleted else person.name, None if deleted else person.email or None,
                 None if deleted else person.website or None, r.likes,
                 voters[r.author % 256])
            )  # fmt: skip
            if len(batch) >= BATCH:
                conn.executemany(sql, batch)
                batch = []
        conn.executemany(sql, batch)
    conn.close()
    size = db_path.stat().st_size / 2**20
    return Filled(plan.comments, plan.threads, time.perf_counter() - started, size)


def isso_conf(path: Path, db_path: Path, port: int) -> None:
    """An Isso configuration: this database, this port, no rate limits, no moderation."""
    path.write_text(
        f"""[general]
dbpath = {db_path}
host = http://127.0.0.1:{port}/
log-file = {path.parent / "isso.log"}

[server]
listen = http://127.0.0.1:{port}/

[moderation]
enabled = false

[guard]
enabled = false
"""
    )
