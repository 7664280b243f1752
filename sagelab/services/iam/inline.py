"""Inline policies embedded in a user, group or role."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from sagelab.services.iam import entities
from sagelab.services.iam.entities import EntityKind
from sagelab.services.iam.errors import NoSuchEntity
from sagelab.store.tables import iam_inline_policies as t


def _of(account: str, kind: EntityKind, entity_key: str) -> Any:
    return (t.c.account_id == account) & (t.c.entity_kind == kind) & (t.c.entity_key == entity_key)


def put(
    conn: Connection, account: str, kind: EntityKind, entity: str, name: str, document: str
) -> None:
    key = entities.get(conn, kind, account, entity).name_key
    where = _of(account, kind, key) & (t.c.name_key == name.lower())
    if conn.execute(select(t.c.name_key).where(where)).first() is None:
        conn.execute(
            insert(t).values(
                account_id=account,
                entity_kind=kind,
                entity_key=key,
                name_key=name.lower(),
                policy_name=name,
                document=document,
            )
        )
    else:
        conn.execute(update(t).where(where).values(policy_name=name, document=document))


def get(conn: Connection, account: str, kind: EntityKind, entity: str, name: str) -> Any:
    """The entity's row and the policy's row (policy_name, document)."""
    row = entities.get(conn, kind, account, entity)
    policy = conn.execute(
        select(t).where(_of(account, kind, row.name_key) & (t.c.name_key == name.lower()))
    ).first()
    if policy is None:
        raise NoSuchEntity(message=f"The {kind} policy with name {name} cannot be found.")
    return row, policy


def names(conn: Connection, account: str, kind: EntityKind, entity: str) -> list[str]:
    key = entities.get(conn, kind, account, entity).name_key
    rows = conn.execute(
        select(t.c.policy_name).where(_of(account, kind, key)).order_by(t.c.name_key)
    )
    return [r.policy_name for r in rows]


def documents(conn: Connection, account: str, kind: EntityKind, entity_key: str) -> list[str]:
    rows = conn.execute(select(t.c.document).where(_of(account, kind, entity_key)))
    return [r.document for r in rows]


def remove(conn: Connection, account: str, kind: EntityKind, entity: str, name: str) -> None:
    row, _ = get(conn, account, kind, entity, name)
    conn.execute(delete(t).where(_of(account, kind, row.name_key) & (t.c.name_key == name.lower())))


def count(conn: Connection, account: str, kind: EntityKind, entity_key: str) -> int:
    return len(documents(conn, account, kind, entity_key))
