"""Imports: an ``imported`` row outlives its comment, so a new import does not bring back
what a moderator or a reader's erasure removed.

``comment_id`` becomes nullable and is set to NULL when its comment goes (it was deleted
with it); on SQLite the table loses its rowid (its key is the whole point).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_COLUMNS = "site_id, source, source_id, comment_id, parent_source_id"


def _create(comment_id_nullable: bool, on_delete: str, without_rowid: bool) -> None:
    op.create_table(
        "imported",
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.Column("comment_id", Id, nullable=comment_id_nullable),
        sa.Column("parent_source_id", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_imported_site_id_sites", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name="fk_imported_comment_id_comments",
            ondelete=on_delete,
        ),
        sa.PrimaryKeyConstraint("site_id", "source", "source_id", name="pk_imported"),
        sqlite_with_rowid=not without_rowid,
    )
    op.create_index("ix_imported_comment_id", "imported", ["comment_id"])


def _rebuild(comment_id_nullable: bool, on_delete: str, without_rowid: bool, keep: str) -> None:
    op.execute(f"CREATE TABLE imported_copy AS SELECT {_COLUMNS} FROM imported")
    op.drop_index("ix_imported_comment_id", table_name="imported")
    op.drop_table("imported")
    _create(comment_id_nullable, on_delete, without_rowid)
    op.execute(f"INSERT INTO imported ({_COLUMNS}) SELECT {_COLUMNS} FROM imported_copy {keep}")
    op.drop_table("imported_copy")


def upgrade() -> None:
    _rebuild(True, "SET NULL", True, "")


def downgrade() -> None:
    _rebuild(False, "CASCADE", False, "WHERE comment_id IS NOT NULL")
