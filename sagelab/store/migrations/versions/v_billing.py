"""Billing: the meter's sampled usage and resources' last use.

Revision ID: billing_1
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "billing_1"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "billing_usage",
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("usage_type", sa.String(64), nullable=False),
        sa.Column("resource", sa.String(2048), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "region", "day", "usage_type", "resource"),
    )
    op.create_table(
        "billing_activity",
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("name_key", sa.String(128), nullable=False),
        sa.Column("last_used_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "region", "kind", "name_key"),
    )


def downgrade() -> None:
    op.drop_table("billing_activity")
    op.drop_table("billing_usage")
