"""Writes to `sm_resources` for the notebook kinds: the record, its status and `desired`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, update

from sagelab.services.sagemaker import resources
from sagelab.store.tables import sm_resources


def _key(where: resources.Scope, name: str) -> tuple[Any, ...]:
    return (
        sm_resources.c.kind == where.kind,
        sm_resources.c.account_id == where.account_id,
        sm_resources.c.region == where.region,
        sm_resources.c.name_key == name.lower(),
    )


def insert_row(
    conn: Connection,
    where: resources.Scope,
    name: str,
    arn: str,
    now: float,
    values: dict[str, Any],
) -> None:
    """`values`: doc, and optionally status, desired, tags."""
    conn.execute(
        insert(sm_resources).values(
            kind=where.kind,
            account_id=where.account_id,
            region=where.region,
            name_key=name.lower(),
            name=name,
            arn=arn,
            created_at=now,
            modified_at=now,
            tags=values.pop("tags", None) or [],
            **values,
        )
    )


def update_row(conn: Connection, where: resources.Scope, name: str, **values: Any) -> None:
    conn.execute(update(sm_resources).where(*_key(where, name)).values(**values))


def delete_row(conn: Connection, where: resources.Scope, name: str) -> None:
    conn.execute(delete(sm_resources).where(*_key(where, name)))
