"""Joins the branches each service area added beside `0001` while they were built in
parallel; later migrations follow this single head.

Revision ID: 0002
Revises: cloudwatch_1, hosting_1, iam_1, notebooks_1, s3objects_1, training_1, transform_1
"""

from __future__ import annotations

revision = "0002"
down_revision = (
    "cloudwatch_1",
    "hosting_1",
    "iam_1",
    "notebooks_1",
    "s3objects_1",
    "training_1",
    "transform_1",
)
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
