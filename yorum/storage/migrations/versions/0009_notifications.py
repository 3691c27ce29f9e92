"""Notifications: the outbox, reply subscribers, webhooks, digests, per-site notify settings.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("sites") as batch:
        batch.add_column(sa.Column("notify_emails", sa.Text(), nullable=False, server_default="[]"))
        batch.add_column(
            sa.Column("notify_mode", sa.String(16), nullable=False, server_default="each")
        )
        batch.add_column(
            sa.Column("reply_notifications", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("comments") as batch:
        batch.add_column(
            sa.Column("notify", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "outbox",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.Float(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("sent_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )
    op.create_index("ix_outbox_status_due_at", "outbox", ["status", "due_at"])
    op.create_index("ix_outbox_site_id_created_at", "outbox", ["site_id", "created_at"])
    op.create_table(
        "subscribers",
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("confirmed_at", sa.Float(), nullable=True),
        sa.Column("unsubscribed_at", sa.Float(), nullable=True),
        sa.Column("asked_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_subscribers_site_id_sites", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("site_id", "email", name="pk_subscribers"),
    )
    op.create_table(
        "webhooks",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("events", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_webhooks_site_id_sites", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_webhooks"),
    )
    op.create_index("ix_webhooks_site_id", "webhooks", ["site_id"])
    op.create_table(
        "digests",
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("last_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_digests_site_id_sites", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("site_id", name="pk_digests"),
    )


def downgrade() -> None:
    op.drop_table("digests")
    op.drop_index("ix_webhooks_site_id", table_name="webhooks")
    op.drop_table("webhooks")
    op.drop_table("subscribers")
    op.drop_index("ix_outbox_site_id_created_at", table_name="outbox")
    op.drop_index("ix_outbox_status_due_at", table_name="outbox")
    op.drop_table("outbox")
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("notify")
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("reply_notifications")
        batch.drop_column("notify_mode")
        batch.drop_column("notify_emails")
