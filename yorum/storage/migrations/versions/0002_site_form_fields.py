"""Per site: whether the comment form shows the name, e-mail and website fields.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FIELDS = ("author_field", "email_field", "website_field")


def upgrade() -> None:
    with op.batch_alter_table("sites") as batch:
        for name in FIELDS:
            batch.add_column(
                sa.Column(name, sa.String(16), nullable=False, server_default="optional")
            )


def downgrade() -> None:
    with op.batch_alter_table("sites") as batch:
        for name in FIELDS:
            batch.drop_column(name)
