"""Transform jobs run one child per instance: `transform_hosts` replaces `transform_runs`
(whose one row per job becomes the job's `algo-1`, so a job running across the upgrade is
followed on).

Revision ID: transform_hosts_1
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "transform_hosts_1"
down_revision = "0002"
branch_labels = None
depends_on = None

_COLUMNS = "account_id, region, job_key, process, log_stream, log_offset"


def upgrade() -> None:
    op.create_table(
        "transform_hosts",
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("job_key", sa.String(128), nullable=False),
        sa.Column("host", sa.String(16), nullable=False),
        sa.Column("process", sa.String(512), nullable=False),
        sa.Column("log_stream", sa.String(512), nullable=False),
        sa.Column("log_offset", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "region", "job_key", "host"),
    )
    op.execute(
        f"INSERT INTO transform_hosts (host, {_COLUMNS}) "
        f"SELECT 'algo-1', {_COLUMNS} FROM transform_runs"
    )
    op.drop_table("transform_runs")


def downgrade() -> None:
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
    op.execute(
        f"INSERT INTO transform_runs ({_COLUMNS}) "
        f"SELECT {_COLUMNS} FROM transform_hosts WHERE host = 'algo-1'"
    )
    op.drop_table("transform_hosts")
