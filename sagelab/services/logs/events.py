"""Log events: PutLogEvents' batch rules, GetLogEvents' cursor pages, FilterLogEvents' scan.

A stream's events are ordered by (timestamp, id): the id breaks ties in arrival order.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Select, select, tuple_

from sagelab.services.logs import cursors, groups, streams
from sagelab.services.logs.cursors import Position
from sagelab.services.logs.errors import InvalidParameter
from sagelab.services.logs.filter_pattern import TextPattern
from sagelab.services.logs.streams import StreamKey, event_size
from sagelab.store.tables import log_events

MAX_BATCH_BYTES = 1_048_576
MAX_PAGE_BYTES = 1_048_576
_DAY_MS = 86_400_000
_TOO_NEW_MS = 2 * 3_600_000
_TOO_OLD_MS = 14 * _DAY_MS
# FilterLogEvents stops scanning after this many events and hands back a token, as AWS may
# answer a page with few or no events and a nextToken.
_FILTER_SCAN_ROWS = 50_000
_FILTER_CHUNK = 1_000


# -- PutLogEvents -----------------------------------------------------------------------------


@dataclass
class PutResult:
    last_id: int | None
    rejected: dict[str, int] = field(default_factory=dict)


def _check_batch(events: Sequence[tuple[int, str]]) -> None:
    stamps = [ts for ts, _ in events]
    if any(later < earlier for earlier, later in itertools.pairwise(stamps)):
        raise InvalidParameter(
            message="Log events in a single PutLogEvents request must be in chronological order."
        )
    if stamps and stamps[-1] - stamps[0] > _DAY_MS:
        raise InvalidParameter(
            message="The batch of log events in a single PutLogEvents request cannot span "
            "more than 24 hours."
        )
    size = sum(event_size(message) for _, message in events)
    if size > MAX_BATCH_BYTES:
        raise InvalidParameter(
            message=f"Upload too large: {size} bytes exceeds limit of {MAX_BATCH_BYTES}"
        )


def _rejections(stamps: list[int], now_ms: int, retention: int | None) -> dict[str, int]:
    """rejectedLogEventsInfo: the last too-old/expired index, the first too-new index."""
    rejected: dict[str, int] = {}
    too_old = [i for i, ts in enumerate(stamps) if ts < now_ms - _TOO_OLD_MS]
    if too_old:
        rejected["tooOldLogEventEndIndex"] = too_old[-1]
    if retention is not None:
        expired = [i for i, ts in enumerate(stamps) if ts < now_ms - retention * _DAY_MS]
        if expired:
            rejected["expiredLogEventEndIndex"] = expired[-1]
    too_new = [i for i, ts in enumerate(stamps) if ts > now_ms + _TOO_NEW_MS]
    if too_new:
        rejected["tooNewLogEventStartIndex"] = too_new[0]
    return rejected


def put(conn: Connection, key: StreamKey, events: Sequence[tuple[int, str]]) -> PutResult:
    """Store a client's batch: a malformed batch fails whole, events out of the accepted time
    range are skipped and reported."""
    streams.require(conn, key)
    _check_batch(events)
    retention = groups.retention_days(conn, key.account, key.region, key.group)
    now_ms = int(time.time() * 1000)
    rejected = _rejections([ts for ts, _ in events], now_ms, retention)
    old = (rejected.get(k, -1) for k in ("tooOldLogEventEndIndex", "expiredLogEventEndIndex"))
    start = max(old) + 1
    end = rejected.get("tooNewLogEventStartIndex", len(events))
    return PutResult(streams.write(conn, key, events[start:end]), rejected)


# -- GetLogEvents -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """startTime (inclusive) and endTime (exclusive), ms since the epoch."""

    start_ms: int | None = None
    end_ms: int | None = None

    def clauses(self) -> list[Any]:
        ts = log_events.c.timestamp_ms
        out: list[Any] = []
        if self.start_ms is not None:
            out.append(ts >= self.start_ms)
        if self.end_ms is not None:
            out.append(ts < self.end_ms)
        return out


@dataclass(frozen=True)
class Event:
    position: Position
    ingestion_ms: int
    message: str
    stream: str = ""


@dataclass(frozen=True)
class Page:
    events: list[Event]
    forward_token: str
    backward_token: str


def _after(position: Position) -> Any:
    ordered = tuple_(log_events.c.timestamp_ms, log_events.c.id)
    return ordered > tuple_(position.timestamp_ms, position.event_id)


def _before(position: Position) -> Any:
    ordered = tuple_(log_events.c.timestamp_ms, log_events.c.id)
    return ordered < tuple_(position.timestamp_ms, position.event_id)


def _stream_events(key: StreamKey, window: Window) -> Select[Any]:
    return select(log_events).where(
        log_events.c.account_id == key.account,
        log_events.c.region == key.region,
        log_events.c.group_name == key.group,
        log_events.c.stream_name == key.name,
        *window.clauses(),
    )


def _event(row: Any) -> Event:
    return Event(Position(row.timestamp_ms, row.id), row.ingestion_ms, row.message, row.stream_name)


def _within_bytes(rows: Sequence[Any]) -> list[Any]:
    kept: list[Any] = []
    size = 0
    for row in rows:
        size += event_size(row.message)
        if size > MAX_PAGE_BYTES and kept:
            break
        kept.append(row)
    return kept


def read_page(
    conn: Connection,
    key: StreamKey,
    window: Window,
    token: str | None,
    from_head: bool,
    limit: int,
) -> Page:
    """A page of at most `limit` events (and 1 MB); when nothing is left the page is empty and
    the tokens name the position asked from."""
    streams.require(conn, key)
    forward, anchor = cursors.parse(token) if token else (from_head, None)
    query = _stream_events(key, window)
    if anchor is not None:
        query = query.where(_after(anchor) if forward else _before(anchor))
    columns = (log_events.c.timestamp_ms, log_events.c.id)
    order = columns if forward else tuple(c.desc() for c in columns)
    rows = _within_bytes(conn.execute(query.order_by(*order).limit(limit)).all())
    events = [_event(r) for r in (rows if forward else reversed(rows))]
    if not events:
        here = anchor or Position(window.start_ms or 0, 0)
        return Page([], cursors.forward(here), cursors.backward(here))
    return Page(events, cursors.forward(events[-1].position), cursors.backward(events[0].position))


# -- FilterLogEvents --------------------------------------------------------------------------


@dataclass(frozen=True)
class StreamSelection:
    names: tuple[str, ...] = ()
    prefix: str | None = None


def _group_events(
    account: str, region: str, group: str, window: Window, selection: StreamSelection
) -> Select[Any]:
    query = select(log_events).where(
        log_events.c.account_id == account,
        log_events.c.region == region,
        log_events.c.group_name == group,
        *window.clauses(),
    )
    if selection.names:
        query = query.where(log_events.c.stream_name.in_(selection.names))
    if selection.prefix:
        query = query.where(log_events.c.stream_name.startswith(selection.prefix, autoescape=True))
    return query.order_by(log_events.c.timestamp_ms, log_events.c.id)


def filter_page(
    conn: Connection,
    key: StreamKey,
    window: Window,
    selection: StreamSelection,
    pattern: TextPattern,
    after: str | None,
    limit: int,
) -> tuple[list[Event], str | None]:
    """Matching events of the group (`key.name` unused) in time order, and the token to go on
    from when more events remain to scan."""
    groups.require(conn, key.account, key.region, key.group)
    base = _group_events(key.account, key.region, key.group, window, selection)
    position = Position.from_digits(after) if after else None
    found: list[Event] = []
    for _ in range(_FILTER_SCAN_ROWS // _FILTER_CHUNK):
        query = base if position is None else base.where(_after(position))
        rows = conn.execute(query.limit(_FILTER_CHUNK)).all()
        for row in rows:
            position = Position(row.timestamp_ms, row.id)
            if pattern.matches(row.message):
                found.append(_event(row))
                if len(found) == limit:
                    return found, _more_after(conn, base, position)
        if len(rows) < _FILTER_CHUNK:
            return found, None
    return found, position.digits() if position else None


def _more_after(conn: Connection, base: Select[Any], position: Position) -> str | None:
    query = base.where(_after(position))
    return position.digits() if conn.execute(query.limit(1)).first() else None
