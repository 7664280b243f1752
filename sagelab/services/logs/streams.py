"""Log streams of a group, and appending events to them.

`append_events` is how the rest of sagelab writes logs (a training job's stdout and stderr):
it creates the group and stream when missing, so a job needs no set-up call.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, case, delete, func, insert, select, tuple_, update

from sagelab.services.logs import groups
from sagelab.services.logs.cursors import INVALID_TOKEN
from sagelab.services.logs.errors import InvalidParameter, ResourceAlreadyExists, ResourceNotFound
from sagelab.store.metadata import MetadataStore
from sagelab.store.tables import log_events, log_streams

# CloudWatch counts 26 bytes of overhead per event in batch sizes and stored bytes.
EVENT_OVERHEAD_BYTES = 26
STREAM_NOT_FOUND = "The specified log stream does not exist."


@dataclass(frozen=True)
class StreamKey:
    account: str
    region: str
    group: str
    name: str


@dataclass(frozen=True)
class LogStream:
    name: str
    created_at: float
    first_event_ms: int | None
    last_event_ms: int | None
    last_ingestion_ms: int | None
    stored_bytes: int


def event_size(message: str) -> int:
    return len(message.encode("utf-8")) + EVENT_OVERHEAD_BYTES


def _key_clause(key: StreamKey) -> tuple[Any, ...]:
    return (
        log_streams.c.account_id == key.account,
        log_streams.c.region == key.region,
        log_streams.c.group_name == key.group,
        log_streams.c.name == key.name,
    )


def _exists(conn: Connection, key: StreamKey) -> bool:
    return conn.execute(select(log_streams.c.name).where(*_key_clause(key))).first() is not None


def _insert(conn: Connection, key: StreamKey) -> None:
    conn.execute(
        insert(log_streams).values(
            account_id=key.account,
            region=key.region,
            group_name=key.group,
            name=key.name,
            created_at=time.time(),
            stored_bytes=0,
        )
    )


def create(conn: Connection, key: StreamKey) -> None:
    groups.require(conn, key.account, key.region, key.group)
    if _exists(conn, key):
        raise ResourceAlreadyExists(message="The specified log stream already exists")
    _insert(conn, key)


def require(conn: Connection, key: StreamKey) -> None:
    """ResourceNotFound naming the group or the stream, as AWS checks them in that order."""
    groups.require(conn, key.account, key.region, key.group)
    if not _exists(conn, key):
        raise ResourceNotFound(message=STREAM_NOT_FOUND)


def delete_stream(conn: Connection, key: StreamKey) -> None:
    require(conn, key)
    conn.execute(delete(log_streams).where(*_key_clause(key)))
    conn.execute(
        delete(log_events).where(
            log_events.c.account_id == key.account,
            log_events.c.region == key.region,
            log_events.c.group_name == key.group,
            log_events.c.stream_name == key.name,
        )
    )


def write(conn: Connection, key: StreamKey, events: Sequence[tuple[int, str]]) -> int | None:
    """Append events to an existing stream and update its summary; the last event's id."""
    if not events:
        return None
    now_ms = int(time.time() * 1000)
    conn.execute(
        insert(log_events),
        [
            {
                "account_id": key.account,
                "region": key.region,
                "group_name": key.group,
                "stream_name": key.name,
                "timestamp_ms": ts,
                "ingestion_ms": now_ms,
                "message": message,
            }
            for ts, message in events
        ],
    )
    first, last = min(ts for ts, _ in events), max(ts for ts, _ in events)
    row = log_streams.c
    conn.execute(
        update(log_streams)
        .where(*_key_clause(key))
        .values(
            first_event_ms=case((row.first_event_ms <= first, row.first_event_ms), else_=first),
            last_event_ms=case((row.last_event_ms >= last, row.last_event_ms), else_=last),
            last_ingestion_ms=now_ms,
            stored_bytes=row.stored_bytes + sum(event_size(m) for _, m in events),
        )
    )
    last_id: int | None = conn.scalar(select(func.max(log_events.c.id)))
    return last_id


def append_events(
    meta: MetadataStore,
    account_id: str,
    region: str,
    group: str,
    stream: str,
    events: Sequence[tuple[int, str]],
) -> None:
    """Append (timestamp_ms, message) events in one transaction, creating the group and the
    stream when missing. Events are stored in timestamp order (negative stamps become 0) and
    empty messages are skipped: CloudWatch stores neither."""
    batch = sorted(((max(0, ts), m) for ts, m in events if m), key=lambda e: e[0])
    key = StreamKey(account_id, region, group, stream)
    with meta.begin() as conn:
        if not groups.exists(conn, account_id, region, group):
            groups.create(conn, account_id, region, group, {})
        if not _exists(conn, key):
            _insert(conn, key)
        write(conn, key, batch)


@dataclass(frozen=True)
class Listing:
    """DescribeLogStreams' arguments: order by name (with an optional prefix) or by the time
    of the last event; the token is the sort key of the previous page's last stream."""

    prefix: str | None = None
    by_last_event: bool = False
    descending: bool = False


def _sort_columns(listing: Listing) -> tuple[Any, ...]:
    if listing.by_last_event:
        return (func.coalesce(log_streams.c.last_event_ms, 0), log_streams.c.name)
    return (log_streams.c.name,)


def list_page(
    conn: Connection,
    account: str,
    region: str,
    group: str,
    listing: Listing,
    after: tuple[Any, ...] | None,
    limit: int,
) -> tuple[list[LogStream], tuple[Any, ...] | None]:
    """One page of streams, and the sort key to resume after, given only when more exist."""
    groups.require(conn, account, region, group)
    columns = _sort_columns(listing)
    query = select(log_streams, *columns).where(
        log_streams.c.account_id == account,
        log_streams.c.region == region,
        log_streams.c.group_name == group,
    )
    if listing.prefix:
        query = query.where(log_streams.c.name.startswith(listing.prefix, autoescape=True))
    if after is not None:
        position = tuple_(*columns)
        query = query.where(position < after if listing.descending else position > after)
    order = [c.desc() for c in columns] if listing.descending else list(columns)
    rows = conn.execute(query.order_by(*order).limit(limit + 1)).all()
    page = [_from_row(r) for r in rows[:limit]]
    if len(rows) > limit:
        last = rows[limit - 1]
        return page, tuple(last[-len(columns) :])
    return page, None


def _from_row(row: Any) -> LogStream:
    return LogStream(
        row.name,
        row.created_at,
        row.first_event_ms,
        row.last_event_ms,
        row.last_ingestion_ms,
        int(row.stored_bytes),
    )


def page_token(after: tuple[Any, ...]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(after)).encode()).decode("ascii")


def parse_page_token(token: str) -> tuple[Any, ...]:
    try:
        after = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise InvalidParameter(message=INVALID_TOKEN) from exc
    if not isinstance(after, list) or not after:
        raise InvalidParameter(message=INVALID_TOKEN)
    return tuple(after)
