"""Buckets: one global namespace, each owned by an account and pinned to a region."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, delete, exists, insert, select

from sagelab.services.s3 import bucket_names
from sagelab.services.s3.errors import (
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    IllegalLocationConstraint,
    InvalidBucketName,
    InvalidLocationConstraint,
    NoSuchBucket,
    access_denied,
)
from sagelab.store.tables import buckets, objects

US_EAST_1 = "us-east-1"
# Legacy location constraints and the regions they stand for.
_LEGACY_CONSTRAINTS = {"EU": "eu-west-1"}


@dataclass(frozen=True)
class Bucket:
    name: str
    account_id: str
    region: str
    created_at: float
    versioning: str | None = None  # None (never enabled), "Enabled", "Suspended"


def owner(account: str) -> dict[str, str]:
    """The canonical user (64 hex characters) S3 shows for an account."""
    return {"ID": hashlib.sha256(account.encode()).hexdigest(), "DisplayName": account}


_FIELDS = ("name", "account_id", "region", "created_at", "versioning")
# A bucket's columns under names no other table's columns have, for queries joining one.
JOINED = tuple(buckets.c[f].label(f"bucket_{f}") for f in _FIELDS)


def _from_row(row: Any) -> Bucket:
    return Bucket(row.name, row.account_id, row.region, row.created_at, row.versioning)


def from_joined(row: Any) -> Bucket:
    """The bucket in a row selected with `JOINED`."""
    return Bucket(*(getattr(row, f"bucket_{f}") for f in _FIELDS))


_BY_NAME = select(buckets).where(buckets.c.name == bindparam("name"))


def _find(conn: Connection, name: str) -> Bucket | None:
    row = conn.execute(_BY_NAME, {"name": name}).first()
    return None if row is None else _from_row(row)


def get(conn: Connection, name: str, account: str, expected_owner: str | None = None) -> Bucket:
    """The bucket, if the caller's account owns it; bucket policies will widen this later."""
    return checked(_find(conn, name), name, account, expected_owner)


def checked(
    bucket: Bucket | None, name: str, account: str, expected_owner: str | None = None
) -> Bucket:
    """`bucket` (found under `name`) if the caller may use it, as `get` decides."""
    if bucket is None:
        raise NoSuchBucket(name)
    if bucket.account_id != account or expected_owner not in (None, account):
        raise access_denied()
    return bucket


def target_region(request_region: str, constraint: str | None) -> str:
    """The region CreateBucket places a bucket in, refusing what S3 refuses.

    The us-east-1 endpoint accepts any other region's constraint; a regional endpoint only its own.
    """
    if constraint == US_EAST_1:
        raise InvalidLocationConstraint(constraint)
    region = _LEGACY_CONSTRAINTS.get(constraint or "", constraint) or US_EAST_1
    if request_region != US_EAST_1 and region != request_region:
        raise IllegalLocationConstraint(constraint)
    return region


def create(
    conn: Connection, name: str, account: str, region: str, config: dict[str, Any]
) -> Bucket:
    """Create with its first subresource documents, or return the existing bucket for
    AWS's idempotent us-east-1 re-create."""
    if not bucket_names.is_valid(name):
        raise InvalidBucketName(name)
    existing = _find(conn, name)
    if existing is not None:
        if existing.account_id != account:
            raise BucketAlreadyExists(name)
        if existing.region == US_EAST_1 == region:
            return existing
        raise BucketAlreadyOwnedByYou(name)
    bucket = Bucket(name, account, region, time.time())
    conn.execute(
        insert(buckets).values(
            name=name,
            account_id=account,
            region=region,
            created_at=bucket.created_at,
            config=config,
        )
    )
    return bucket


def delete_bucket(conn: Connection, name: str, account: str, expected_owner: str | None) -> None:
    get(conn, name, account, expected_owner)
    if conn.execute(select(exists().where(objects.c.bucket == name))).scalar():
        raise BucketNotEmpty(name)
    conn.execute(delete(buckets).where(buckets.c.name == name))


def list_page(
    conn: Connection,
    account: str,
    *,
    prefix: str | None,
    region: str | None,
    after: str | None,
    limit: int | None,
) -> tuple[list[Bucket], str | None]:
    """Buckets by name; the continuation token is the last name returned."""
    query = select(buckets).where(buckets.c.account_id == account)
    if prefix:
        query = query.where(buckets.c.name.startswith(prefix, autoescape=True))
    if region:
        query = query.where(buckets.c.region == region)
    if after:
        query = query.where(buckets.c.name > after)
    query = query.order_by(buckets.c.name)
    if limit is not None:
        query = query.limit(limit + 1)
    page = [_from_row(r) for r in conn.execute(query)]
    if limit is not None and len(page) > limit:
        return page[:limit], page[limit - 1].name
    return page, None
