"""Imports: which comment each imported record became, so importing again changes nothing.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "imported",
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.Column("comment_id", Id, nullable=False),
        sa.Column("parent_source_id", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_imported_site_id_sites", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name="fk_imported_comment_id_comments",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("site_id", "source", "source_id", name="pk_imported"),
    )
    op.create_index("ix_imported_comment_id", "imported", ["comment_id"])


def downgrade() -> None:
    op.drop_index("ix_imported_comment_id", table_name="imported")
    op.drop_table("imported")
