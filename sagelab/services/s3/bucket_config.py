"""A bucket's subresource documents, kept side by side in the `buckets.config` JSON column
(`{"tagging": …, "policy": …, "cors": …, "lifecycle": …, "encryption": …}`) and in the
`buckets.versioning` column. Each is read and replaced whole, as S3's Put/Get/Delete do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from sagelab.services.s3 import buckets
from sagelab.services.s3.errors import NoSuchBucket
from sagelab.store.tables import buckets as buckets_table


@dataclass(frozen=True)
class Owned:
    """A bucket as its caller names it: (bucket, caller's account, ExpectedBucketOwner)."""

    bucket: str
    account: str
    expected_owner: str | None = None


def read(conn: Connection, where: Owned, section: str) -> Any:
    """The stored document, or None; the caller's account must own the bucket."""
    buckets.get(conn, where.bucket, where.account, where.expected_owner)
    return config_of(conn, where.bucket).get(section)


def write(conn: Connection, where: Owned, section: str, document: Any) -> None:
    """Replace the document (None removes it)."""
    buckets.get(conn, where.bucket, where.account, where.expected_owner)
    config = dict(config_of(conn, where.bucket))
    if document is None:
        config.pop(section, None)
    else:
        config[section] = document
    conn.execute(
        update(buckets_table).where(buckets_table.c.name == where.bucket).values(config=config)
    )


def config_of(conn: Connection, bucket: str) -> dict[str, Any]:
    """Every document of a bucket, whoever asks (CORS and policies apply to all callers)."""
    query = select(buckets_table.c.config).where(buckets_table.c.name == bucket)
    row = conn.execute(query).first()
    if row is None:
        raise NoSuchBucket(bucket)
    return dict(row.config or {})


def versioning(conn: Connection, where: Owned) -> str | None:
    """ "Enabled", "Suspended", or None for a bucket never versioned."""
    buckets.get(conn, where.bucket, where.account, where.expected_owner)
    query = select(buckets_table.c.versioning).where(buckets_table.c.name == where.bucket)
    status: str | None = conn.execute(query).scalar_one()
    return status


def set_versioning(conn: Connection, where: Owned, status: str) -> None:
    buckets.get(conn, where.bucket, where.account, where.expected_owner)
    conn.execute(
        update(buckets_table).where(buckets_table.c.name == where.bucket).values(versioning=status)
    )
