"""Spam scoring: site thresholds, comments indexed by commenter, each comment's verdict
and reasons, word lists, the adaptive filter's token counts, and MinHash signatures.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("sites") as batch:
        batch.add_column(sa.Column("hold_score", sa.Float(), nullable=False, server_default="5"))
        batch.add_column(sa.Column("spam_score", sa.Float(), nullable=False, server_default="10"))
    op.create_index("ix_comments_ip_hash", "comments", ["ip_hash"])
    op.create_index("ix_comments_email", "comments", ["email"])
    op.create_table(
        "comment_verdicts",
        sa.Column("comment_id", Id, nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name="fk_comment_verdicts_comment_id_comments",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("comment_id", name="pk_comment_verdicts"),
    )
    op.create_table(
        "spam_words",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("word", sa.String(200), nullable=False),
        sa.Column("folded", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_spam_words_site_id_sites", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_spam_words"),
        sa.UniqueConstraint("site_id", "folded", name="uq_spam_words_site_id_folded"),
    )
    op.create_table(
        "spam_tokens",
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("spam", sa.Integer(), nullable=False),
        sa.Column("ham", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_spam_tokens_site_id_sites", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("site_id", "token", name="pk_spam_tokens"),
    )
    op.create_table(
        "spam_trained",
        sa.Column("comment_id", Id, nullable=False),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("spam", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("comment_id", name="pk_spam_trained"),
    )
    op.create_table(
        "comment_signatures",
        sa.Column("comment_id", Id, nullable=False),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name="fk_comment_signatures_comment_id_comments",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("comment_id", name="pk_comment_signatures"),
    )
    op.create_index(
        "ix_comment_signatures_site_id_created_at",
        "comment_signatures",
        ["site_id", "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_comment_signatures_site_id_created_at", table_name="comment_signatures")
    op.drop_table("comment_signatures")
    op.drop_table("spam_trained")
    op.drop_table("spam_tokens")
    op.drop_table("spam_words")
    op.drop_table("comment_verdicts")
    op.drop_index("ix_comments_email", table_name="comments")
    op.drop_index("ix_comments_ip_hash", table_name="comments")
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("spam_score")
        batch.drop_column("hold_score")
