"""Alembic environment: migrations run from code with a connection handed in by migrate.py."""

from __future__ import annotations

from alembic import context

from yorum.storage.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # lets ALTER work on SQLite; a no-op elsewhere
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
