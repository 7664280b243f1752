"""Conditional writes: `If-Match` and `If-None-Match` (`*`: create only; an entity tag:
not over that version) on PutObject and CompleteMultipartUpload; `If-Match` on DeleteObject
and DeleteObjects' `ETag` (`*`: only if the key has an object; an entity tag: only that one),
checked against the key's current version in the deleting transaction.

The condition is checked twice: before the bytes are taken (a 412 costs no upload), and in
the transaction that commits the new version. A condition that held at first but not at the
commit lost a race with another write of the key: S3 calls that a 409 conflict, to retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from sagelab.services.s3 import buckets, objects
from sagelab.services.s3.errors import ConditionalRequestConflict, NoSuchKey, PreconditionFailed
from sagelab.services.s3.preconditions import etag_matches

if TYPE_CHECKING:
    from sagelab.store.metadata import MetadataStore

Guard = objects.Check


@dataclass(frozen=True)
class WriteConditions:
    if_match: str | None = None
    if_none_match: str | None = None


def _check(cond: WriteConditions, current: Any, key: str) -> None:
    """`current` is the key's latest row (a delete marker counts as no object), or None."""
    exists = current is not None and not current.delete_marker
    if cond.if_none_match is not None and exists and etag_matches(cond.if_none_match, current.etag):
        raise PreconditionFailed("If-None-Match")
    if cond.if_match is not None:
        if not exists:
            raise NoSuchKey(key)
        if not etag_matches(cond.if_match, current.etag):
            raise PreconditionFailed("If-Match")


def guard(
    meta: MetadataStore, target: objects.Target, key: str, cond: WriteConditions
) -> Guard | None:
    """Check `cond` now; the re-check to run in the committing transaction, if any."""
    if cond.if_match is None and cond.if_none_match is None:
        return None
    with meta.connect() as conn:
        buckets.get(conn, *target)
        _check(cond, objects.find(conn, target[0], key), key)

    def recheck(conn: Connection) -> None:
        try:
            _check(cond, objects.find(conn, target[0], key), key)
        except (PreconditionFailed, NoSuchKey) as lost:
            raise ConditionalRequestConflict(key) from lost

    return recheck


def delete_check(target: objects.Target, key: str, if_match: str | None) -> Guard | None:
    """A conditional delete's check: NoSuchKey without a current object, else
    PreconditionFailed unless its entity tag matches."""
    if if_match is None:
        return None
    cond = WriteConditions(if_match=if_match)
    return lambda conn: _check(cond, objects.find(conn, target[0], key), key)
