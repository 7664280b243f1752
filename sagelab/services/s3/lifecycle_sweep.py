"""The lifecycle sweep: a reconciler step that applies every bucket's enabled rules.

S3 applies lifecycle rules about once a day; sagelab checks at most every `interval` seconds
(`SAGELAB_LIFECYCLE_INTERVAL`, so tests need not wait). Every removal goes through
`objects.delete_object`, as the user's DeleteObject (with or without a VersionId) would.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from sagelab.services.s3 import lifecycle, objects
from sagelab.store.tables import buckets
from sagelab.store.tables import objects as objects_table

if TYPE_CHECKING:
    from sagelab.store.blobs import BlobStore
    from sagelab.store.metadata import MetadataStore

DEFAULT_INTERVAL = 3600.0


@dataclass(frozen=True)
class _Target:
    bucket: str
    account: str
    rules: list[dict[str, Any]]


class LifecycleSweep:
    """Called on every reconciler pass; sweeps when `interval` seconds have gone by."""

    def __init__(
        self,
        meta: MetadataStore,
        blobs: BlobStore,
        interval: float = DEFAULT_INTERVAL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.meta, self.blobs = meta, blobs
        self.interval = interval
        self.clock = clock
        self._next = 0.0

    def __call__(self) -> None:
        now = self.clock()
        if now < self._next:
            return
        self._next = now + self.interval
        sweep(self.meta, self.blobs, now)


def sweep(meta: MetadataStore, blobs: BlobStore, now: float) -> int:
    """Apply every enabled rule once; the number of versions removed."""
    with meta.connect() as conn:
        targets = _targets(conn)
    removed = 0
    for target in targets:
        removed += _expire_current(meta, blobs, target, now)
        removed += _expire_versions(meta, blobs, target, now)
    return removed


def _targets(conn: Connection) -> list[_Target]:
    rows = conn.execute(select(buckets.c.name, buckets.c.account_id, buckets.c.config))
    found = []
    for row in rows:
        rules = lifecycle.enabled((row.config or {}).get(lifecycle.SECTION) or [])
        if rules:
            found.append(_Target(row.name, row.account_id, rules))
    return found


def _expire_current(meta: MetadataStore, blobs: BlobStore, target: _Target, now: float) -> int:
    with meta.connect() as conn:
        due = {key for rule in target.rules for key in _due_current(conn, target.bucket, rule, now)}
    for key in sorted(due):
        # Like a user's DeleteObject: a versioned bucket keeps the data behind a delete marker.
        objects.delete_object(meta, blobs, (target.bucket, target.account, None), key, None)
    return len(due)


def _due_current(conn: Connection, bucket: str, rule: dict[str, Any], now: float) -> list[str]:
    if lifecycle.current_expiry(rule, 0.0) is None:
        return []
    chosen = lifecycle.selector(rule)
    query = select(objects_table).where(
        objects_table.c.bucket == bucket,
        objects_table.c.is_latest.is_(True),
        objects_table.c.delete_marker.is_(False),
        objects_table.c.key.startswith(chosen.prefix, autoescape=True),
    )
    return [
        row.key
        for row in conn.execute(query)
        if chosen.matches(row.key, row.tags or {}, row.size)
        and (lifecycle.current_expiry(rule, row.last_modified) or now + 1) <= now
    ]


def _expire_versions(meta: MetadataStore, blobs: BlobStore, target: _Target, now: float) -> int:
    """Noncurrent versions past NoncurrentDays, and delete markers left with no versions."""
    rules = [r for r in target.rules if r.get("NoncurrentVersionExpiration") or _marker_rule(r)]
    if not rules:
        return 0
    query = (
        select(objects_table)
        .where(objects_table.c.bucket == target.bucket)
        .order_by(objects_table.c.key, objects_table.c.seq.desc())
    )
    with meta.connect() as conn:
        doomed = [
            row
            for _, versions in itertools.groupby(conn.execute(query).all(), lambda r: r.key)
            for row in _doomed_versions(list(versions), rules, now)
        ]
    where = (target.bucket, target.account, None)
    for row in doomed:
        objects.delete_object(meta, blobs, where, row.key, row.version_id)
    return len(doomed)


def _marker_rule(rule: dict[str, Any]) -> bool:
    return bool((rule.get("Expiration") or {}).get("ExpiredObjectDeleteMarker"))


def _doomed_versions(versions: list[Any], rules: list[dict[str, Any]], now: float) -> list[Any]:
    """`versions` of one key, newest first: those the rules remove."""
    newest = versions[0]
    if len(versions) == 1 and newest.delete_marker:
        covered = [r for r in rules if _marker_rule(r)]
        return [newest] if any(_covers(r, newest) for r in covered) else []
    doomed = []
    for rank, (newer, row) in enumerate(itertools.pairwise(versions)):
        if any(_noncurrent_due(r, row, rank, newer.last_modified, now) for r in rules):
            doomed.append(row)
    return doomed


def _noncurrent_due(rule: dict[str, Any], row: Any, rank: int, since: float, now: float) -> bool:
    """`row` became noncurrent at `since`; `rank` noncurrent versions are newer than it."""
    action = rule.get("NoncurrentVersionExpiration")
    if not action or not _covers(rule, row):
        return False
    if rank < action.get("NewerNoncurrentVersions", 0):
        return False
    return lifecycle.after_days(since, action.get("NoncurrentDays", 0)) <= now


def _covers(rule: dict[str, Any], row: Any) -> bool:
    return lifecycle.selector(rule).matches(row.key, row.tags or {}, row.size)
