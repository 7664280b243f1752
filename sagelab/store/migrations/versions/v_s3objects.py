"""S3 objects: an index for version listings; multipart uploads and their parts.

Revision ID: s3objects_1
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s3objects_1"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_objects_versions", "objects", ["bucket", "key", sa.text("seq DESC")])
    op.create_table(
        "s3_uploads",
        sa.Column("upload_id", sa.String(64), nullable=False),
        sa.Column("bucket", sa.String(63), nullable=False),
        sa.Column("key", sa.String(1024), nullable=False),
        sa.Column("initiated", sa.Float(), nullable=False),
        sa.Column("initiator", sa.String(2048), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("checksum_algorithm", sa.String(16), nullable=True),
        sa.Column("checksum_type", sa.String(16), nullable=True),
        sa.PrimaryKeyConstraint("upload_id"),
    )
    op.create_index("ix_s3_uploads_key", "s3_uploads", ["bucket", "key", "initiated"])
    op.create_table(
        "s3_parts",
        sa.Column("upload_id", sa.String(64), nullable=False),
        sa.Column("part_number", sa.Integer(), nullable=False),
        sa.Column("blob_id", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("etag", sa.String(64), nullable=False),
        sa.Column("last_modified", sa.Float(), nullable=False),
        sa.Column("checksums", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("upload_id", "part_number"),
    )


def downgrade() -> None:
    op.drop_table("s3_parts")
    op.drop_index("ix_s3_uploads_key", table_name="s3_uploads")
    op.drop_table("s3_uploads")
    op.drop_index("ix_objects_versions", table_name="objects")
