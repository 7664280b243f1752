"""Transform jobs' runs: the child process, its log stream and copy offset.

Revision ID: transform_1
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "transform_1"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "transform_runs",
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("job_key", sa.String(128), nullable=False),
        sa.Column("process", sa.String(512), nullable=False),
        sa.Column("log_stream", sa.String(512), nullable=False),
        sa.Column("log_offset", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "region", "job_key"),
    )


def downgrade() -> None:
    op.drop_table("transform_runs")
