"""Moderation policies: per-site report threshold and thread closing, pinned and locked
comments with the policy's hold reason, commenters' standing, and reader reports.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("sites") as batch:
        batch.add_column(
            sa.Column("report_threshold", sa.Integer(), nullable=False, server_default="3")
        )
        batch.add_column(
            sa.Column("close_after_days", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("comments") as batch:
        batch.add_column(
            sa.Column("pinned", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("hold_reason", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "commenters",
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("trusted", sa.Boolean(), nullable=False),
        sa.Column("known", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_commenters_site_id_sites", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("site_id", "key", name="pk_commenters"),
    )
    op.create_table(
        "reports",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("comment_id", Id, nullable=False),
        sa.Column("reporter_hash", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name="fk_reports_comment_id_comments",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        sa.UniqueConstraint(
            "comment_id", "reporter_hash", name="uq_reports_comment_id_reporter_hash"
        ),
    )


def downgrade() -> None:
    op.drop_table("reports")
    op.drop_table("commenters")
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("hold_reason")
        batch.drop_column("locked")
        batch.drop_column("pinned")
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("close_after_days")
        batch.drop_column("report_threshold")
