"""IAM's Marker/MaxItems pagination: over one ordered key column of a query, or over a list
computed in memory (small lists: an entity's tags, policies, keys)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, Select
from sqlalchemy.sql.elements import ColumnElement

DEFAULT_MAX_ITEMS = 100


def page(
    conn: Connection,
    query: Select[Any],
    key: ColumnElement[Any],
    marker: str | None,
    max_items: int | None,
) -> tuple[list[Row[Any]], str | None]:
    """One page ordered by `key`; the marker returned is the key the next page starts at."""
    limit = max_items or DEFAULT_MAX_ITEMS
    if marker:
        query = query.where(key >= marker)
    rows = conn.execute(query.order_by(key).limit(limit + 1)).all()
    next_marker = str(rows[limit]._mapping[key]) if len(rows) > limit else None
    return list(rows[:limit]), next_marker


def cut(
    items: list[Any], marker: str | None, max_items: int | None
) -> tuple[list[Any], str | None]:
    """A page of an in-memory list; the marker is the next item's index."""
    start = int(marker) if marker and marker.isdigit() else 0
    end = start + (max_items or DEFAULT_MAX_ITEMS)
    return items[start:end], (str(end) if end < len(items) else None)


def listing(member: str, items: list[Any], next_marker: str | None) -> dict[str, Any]:
    """The output of a List* operation: the items, IsTruncated and, when truncated, Marker."""
    out: dict[str, Any] = {member: items, "IsTruncated": next_marker is not None}
    if next_marker is not None:
        out["Marker"] = next_marker
    return out
