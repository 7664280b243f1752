"""S3 keys and bucket names order by their bytes on PostgreSQL too.

S3 lists keys in the byte order of their UTF-8 form; SQLite's BINARY collation already does,
but a PostgreSQL database orders text by its locale (`a` < `B` < `b`, punctuation ignored):
listings would come out of order and a prefix's key range would miss keys. The "C" collation
compares bytes, and the (bucket, key) indexes are rebuilt under it.

Revision ID: s3gaps_1
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s3gaps_1"
down_revision = "0002"
branch_labels = None
depends_on = None

_COLUMNS = (("objects", "key", 1024), ("s3_uploads", "key", 1024), ("buckets", "name", 63))


def _collate(collation: str | None) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, length in _COLUMNS:
        op.alter_column(table, column, type_=sa.String(length, collation=collation))


def upgrade() -> None:
    _collate("C")


def downgrade() -> None:
    _collate("default")
