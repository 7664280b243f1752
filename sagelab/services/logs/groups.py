"""Log groups, per account and region; deleting one deletes its streams and events."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from sagelab import arns
from sagelab.services.logs.errors import InvalidParameter, ResourceAlreadyExists, ResourceNotFound
from sagelab.store.tables import log_events, log_groups, log_streams

GROUP_NOT_FOUND = "The specified log group does not exist."
# PutRetentionPolicy's accepted values (the model's enum is documentation only).
RETENTION_DAYS = frozenset(
    {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557}
    | {2922, 3288, 3653}
)


@dataclass(frozen=True)
class LogGroup:
    name: str
    created_at: float
    retention_days: int | None
    stored_bytes: int


@dataclass(frozen=True)
class Filter:
    prefix: str | None = None
    pattern: str | None = None  # a case-insensitive substring, as DescribeLogGroups means it


def create(conn: Connection, account: str, region: str, name: str, tags: dict[str, str]) -> None:
    if exists(conn, account, region, name):
        raise ResourceAlreadyExists(message="The specified log group already exists")
    conn.execute(
        insert(log_groups).values(
            account_id=account, region=region, name=name, created_at=time.time(), tags=tags
        )
    )


def exists(conn: Connection, account: str, region: str, name: str) -> bool:
    query = select(log_groups.c.name).where(*_group_key(log_groups, account, region, name))
    return conn.execute(query).first() is not None


def require(conn: Connection, account: str, region: str, name: str) -> None:
    if not exists(conn, account, region, name):
        raise ResourceNotFound(message=GROUP_NOT_FOUND)


def resolve(name: str | None, identifier: str | None) -> str:
    """The group a request names by `logGroupName` or `logGroupIdentifier` (a name or ARN)."""
    if name and identifier:
        raise InvalidParameter(
            message="LogGroup name and LogGroup ARN are mutually exclusive parameters."
        )
    chosen = name or identifier
    if not chosen:
        raise InvalidParameter(message="Should provide either name or ARN of the log group.")
    parsed = arns.try_parse(chosen)
    if parsed is None or parsed.resource_type != "log-group":
        return chosen
    return parsed.resource_id.removesuffix(":*")


def retention_days(conn: Connection, account: str, region: str, name: str) -> int | None:
    """The group's retention (None: never expire); ResourceNotFound when it does not exist."""
    row = conn.execute(
        select(log_groups.c.retention_days).where(*_group_key(log_groups, account, region, name))
    ).first()
    if row is None:
        raise ResourceNotFound(message=GROUP_NOT_FOUND)
    days: int | None = row.retention_days
    return days


def set_retention(conn: Connection, account: str, region: str, name: str, days: int | None) -> None:
    require(conn, account, region, name)
    conn.execute(
        update(log_groups)
        .where(*_group_key(log_groups, account, region, name))
        .values(retention_days=days)
    )


def _group_key(table: Any, account: str, region: str, name: Any) -> tuple[Any, ...]:
    column = table.c.name if table is log_groups else table.c.group_name
    return (table.c.account_id == account, table.c.region == region, column == name)


def delete_group(conn: Connection, account: str, region: str, name: str) -> None:
    require(conn, account, region, name)
    for table in (log_events, log_streams, log_groups):
        conn.execute(delete(table).where(*_group_key(table, account, region, name)))


def list_page(
    conn: Connection, account: str, region: str, where: Filter, after: str | None, limit: int
) -> tuple[list[LogGroup], str | None]:
    """Groups by name; the token is the last name of the page, given only when more exist."""
    stored = (
        select(func.coalesce(func.sum(log_streams.c.stored_bytes), 0))
        .where(*_group_key(log_streams, account, region, log_groups.c.name))
        .scalar_subquery()
    )
    query = select(log_groups, stored.label("stored_bytes")).where(
        log_groups.c.account_id == account, log_groups.c.region == region
    )
    if where.prefix:
        query = query.where(log_groups.c.name.startswith(where.prefix, autoescape=True))
    if where.pattern:
        query = query.where(log_groups.c.name.icontains(where.pattern, autoescape=True))
    if after:
        query = query.where(log_groups.c.name > after)
    rows = conn.execute(query.order_by(log_groups.c.name).limit(limit + 1)).all()
    page = [LogGroup(r.name, r.created_at, r.retention_days, int(r.stored_bytes)) for r in rows]
    if len(page) > limit:
        return page[:limit], page[limit - 1].name
    return page, None
