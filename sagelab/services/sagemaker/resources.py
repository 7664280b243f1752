"""Look-ups and listings over `sm_resources`, shared by every SageMaker resource kind.

Names are unique case-insensitively per kind, account and region (`name_key`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, select

from sagelab.services.sagemaker.errors import SageMakerValidation
from sagelab.store.tables import sm_resources

# List* SortBy values and the columns they order by.
_SORT_COLUMNS = {
    "Name": sm_resources.c.name_key,
    "CreationTime": sm_resources.c.created_at,
    "LastModifiedTime": sm_resources.c.modified_at,
    "Status": sm_resources.c.status,
}


@dataclass(frozen=True)
class Scope:
    kind: str
    account_id: str
    region: str


@dataclass(frozen=True)
class Resource:
    name: str
    arn: str
    status: str | None
    created_at: float
    modified_at: float
    doc: dict[str, Any]


@dataclass(frozen=True)
class ListQuery:
    """The filters every SageMaker List* operation shares."""

    created_after: datetime | None = None
    created_before: datetime | None = None
    modified_after: datetime | None = None
    modified_before: datetime | None = None
    name_contains: str | None = None
    status: str | None = None
    sort_by: str = "CreationTime"
    descending: bool = True


def _from_row(row: Any) -> Resource:
    return Resource(row.name, row.arn, row.status, row.created_at, row.modified_at, dict(row.doc))


def _in_scope(scope: Scope) -> Select[Any]:
    return select(sm_resources).where(
        sm_resources.c.kind == scope.kind,
        sm_resources.c.account_id == scope.account_id,
        sm_resources.c.region == scope.region,
    )


def find(conn: Connection, scope: Scope, name: str) -> Resource | None:
    row = conn.execute(_in_scope(scope).where(sm_resources.c.name_key == name.lower())).first()
    return None if row is None else _from_row(row)


def _filtered(query: Select[Any], q: ListQuery) -> Select[Any]:
    bounds = (
        (q.created_after, sm_resources.c.created_at, True),
        (q.created_before, sm_resources.c.created_at, False),
        (q.modified_after, sm_resources.c.modified_at, True),
        (q.modified_before, sm_resources.c.modified_at, False),
    )
    for when, column, after in bounds:
        if when is not None:
            query = query.where(column > when.timestamp() if after else column < when.timestamp())
    if q.name_contains:
        query = query.where(
            sm_resources.c.name_key.contains(q.name_contains.lower(), autoescape=True)
        )
    if q.status:
        query = query.where(sm_resources.c.status == q.status)
    return query


def _offset(token: str | None) -> int:
    if token is None:
        return 0
    if not token.isdigit():
        raise SageMakerValidation(message=f"Invalid pagination token {token}")
    return int(token)


def list_page(
    conn: Connection, scope: Scope, q: ListQuery, token: str | None, limit: int
) -> tuple[list[Resource], str | None]:
    """One page; the token is the offset of the next page, given only when more exist."""
    column = _SORT_COLUMNS[q.sort_by]
    order = (
        (column.desc(), sm_resources.c.name_key.desc())
        if q.descending
        else (column, sm_resources.c.name_key)
    )
    offset = _offset(token)
    query = _filtered(_in_scope(scope), q).order_by(*order).offset(offset).limit(limit + 1)
    page = [_from_row(r) for r in conn.execute(query)]
    if len(page) > limit:
        return page[:limit], str(offset + limit)
    return page, None
