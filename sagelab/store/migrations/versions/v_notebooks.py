"""SageMaker notebook instances: runtimes, presigned-URL sessions, metering.

Revision ID: notebooks_1
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "notebooks_1"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notebook_runtimes",
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("name_key", sa.String(64), nullable=False),
        sa.Column("phase", sa.String(16), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("jupyter_token", sa.String(256), nullable=False),
        sa.Column("credential_hash", sa.String(64), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=False),
        sa.Column("restarts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "region", "name_key"),
        sa.UniqueConstraint("credential_hash"),
    )
    op.create_table(
        "notebook_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("name_key", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_table(
        "notebook_usage",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("name_key", sa.String(64), nullable=False),
        sa.Column("instance_type", sa.String(32), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=False),
        sa.Column("ended_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_notebook_usage_open",
        "notebook_usage",
        ["account_id", "region", "name_key", "ended_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_notebook_usage_open", table_name="notebook_usage")
    op.drop_table("notebook_usage")
    op.drop_table("notebook_sessions")
    op.drop_table("notebook_runtimes")
