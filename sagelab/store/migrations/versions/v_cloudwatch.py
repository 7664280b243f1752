"""CloudWatch Logs time-ordered event indexes; CloudWatch metrics and their datapoints.

Revision ID: cloudwatch_1
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "cloudwatch_1"
down_revision = "0001"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_EVENT_KEY = ["account_id", "region", "group_name"]


def upgrade() -> None:
    op.create_index(
        "ix_log_events_stream_time",
        "log_events",
        [*_EVENT_KEY, "stream_name", "timestamp_ms", "id"],
    )
    op.create_index("ix_log_events_group_time", "log_events", [*_EVENT_KEY, "timestamp_ms", "id"])
    op.create_table(
        "cw_metrics",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("namespace", sa.String(255), nullable=False),
        sa.Column("metric_name", sa.String(255), nullable=False),
        sa.Column("dims_key", sa.Text(), nullable=False),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("last_put_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_cw_metrics_identity",
        "cw_metrics",
        ["account_id", "region", "namespace", "metric_name", "dims_key"],
        unique=True,
    )
    op.create_table(
        "cw_datapoints",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("metric_id", sa.BigInteger(), nullable=False),
        sa.Column("timestamp", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("sample_count", sa.Float(), nullable=False),
        sa.Column("sum", sa.Float(), nullable=False),
        sa.Column("minimum", sa.Float(), nullable=False),
        sa.Column("maximum", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_cw_datapoints_metric_time", "cw_datapoints", ["metric_id", "timestamp"])


def downgrade() -> None:
    op.drop_table("cw_datapoints")
    op.drop_table("cw_metrics")
    op.drop_index("ix_log_events_group_time", table_name="log_events")
    op.drop_index("ix_log_events_stream_time", table_name="log_events")
