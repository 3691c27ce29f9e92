"""Used proof-of-work solutions, so each is accepted only once.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "used_proofs",
        sa.Column("signature", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("signature", name="pk_used_proofs"),
    )
    op.create_index("ix_used_proofs_expires_at", "used_proofs", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_used_proofs_expires_at", table_name="used_proofs")
    op.drop_table("used_proofs")
