"""The scale bench: yorum on a million comments (SQLite and PostgreSQL) beside a small
database and beside Isso, run as ``.venv/bin/python -m bench.scale`` (see
bench/README.md and docs/performance.md)."""
