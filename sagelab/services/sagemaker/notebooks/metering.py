"""Metering: the intervals each instance spent InService, and with which instance type (the
billing page reads them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from sagelab.store.tables import notebook_usage

Key = tuple[str, str, str]  # account, region, lower-cased name


@dataclass(frozen=True)
class Interval:
    name_key: str
    instance_type: str
    started_at: float
    ended_at: float | None  # None while it lasts


def _open(key: Key) -> tuple[Any, ...]:
    return (
        notebook_usage.c.account_id == key[0],
        notebook_usage.c.region == key[1],
        notebook_usage.c.name_key == key[2],
        notebook_usage.c.ended_at.is_(None),
    )


def begin(conn: Connection, key: Key, instance_type: str, now: float) -> None:
    """Open an interval unless one is open already (a restarted JupyterLab keeps it)."""
    if conn.execute(select(notebook_usage.c.id).where(*_open(key))).first() is not None:
        return
    conn.execute(
        insert(notebook_usage).values(
            account_id=key[0],
            region=key[1],
            name_key=key[2],
            instance_type=instance_type,
            started_at=now,
        )
    )


def end(conn: Connection, key: Key, now: float) -> None:
    conn.execute(update(notebook_usage).where(*_open(key)).values(ended_at=now))


def intervals(conn: Connection, account: str, region: str) -> list[Interval]:
    query = (
        select(notebook_usage)
        .where(notebook_usage.c.account_id == account, notebook_usage.c.region == region)
        .order_by(notebook_usage.c.started_at)
    )
    return [
        Interval(r.name_key, r.instance_type, r.started_at, r.ended_at) for r in conn.execute(query)
    ]
