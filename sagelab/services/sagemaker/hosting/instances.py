"""The model-server instances of endpoints (`hosting_instances`): one runner process each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from sagelab.services.sagemaker import resources
from sagelab.store.tables import hosting_instances as t

STARTING, READY, FAILED = "starting", "ready", "failed"


@dataclass(frozen=True)
class Instance:
    generation: int
    variant: str
    slot: int
    instance_id: str
    process: str
    state: str
    port: int | None
    routed: bool
    log_offset: int


def _endpoint(where: resources.Scope, name: str) -> tuple[Any, ...]:
    return (
        t.c.account_id == where.account_id,
        t.c.region == where.region,
        t.c.endpoint_key == name.lower(),
    )


def _one(where: resources.Scope, name: str, i: Instance) -> tuple[Any, ...]:
    return (
        *_endpoint(where, name),
        t.c.generation == i.generation,
        t.c.variant == i.variant,
        t.c.slot == i.slot,
    )


def _from_row(r: Any) -> Instance:
    return Instance(
        r.generation,
        r.variant,
        r.slot,
        r.instance_id,
        r.process,
        r.state,
        r.port,
        bool(r.routed),
        r.log_offset,
    )


def of_endpoint(conn: Connection, where: resources.Scope, name: str) -> list[Instance]:
    rows = conn.execute(
        select(t).where(*_endpoint(where, name)).order_by(t.c.generation, t.c.variant, t.c.slot)
    )
    return [_from_row(r) for r in rows]


def serving(conn: Connection, where: resources.Scope, name: str) -> list[Instance]:
    """What InvokeEndpoint may use: routed instances that answer."""
    rows = conn.execute(
        select(t).where(*_endpoint(where, name), t.c.routed.is_(True), t.c.state == READY)
    )
    return [_from_row(r) for r in rows]


def add(conn: Connection, where: resources.Scope, name: str, i: Instance) -> None:
    conn.execute(
        insert(t).values(
            account_id=where.account_id,
            region=where.region,
            endpoint_key=name.lower(),
            generation=i.generation,
            variant=i.variant,
            slot=i.slot,
            instance_id=i.instance_id,
            process=i.process,
            state=i.state,
            port=i.port,
            routed=i.routed,
            log_offset=i.log_offset,
        )
    )


def change(conn: Connection, where: resources.Scope, name: str, i: Instance, **values: Any) -> None:
    conn.execute(update(t).where(*_one(where, name, i)).values(**values))


def route_generation(conn: Connection, where: resources.Scope, name: str, generation: int) -> None:
    """Send traffic to `generation` alone, in one statement: no request finds neither."""
    conn.execute(
        update(t).where(*_endpoint(where, name)).values(routed=t.c.generation == generation)
    )


def remove(conn: Connection, where: resources.Scope, name: str, i: Instance) -> None:
    conn.execute(delete(t).where(*_one(where, name, i)))
