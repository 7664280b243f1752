"""Managed policies attached to users, groups and roles."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from sagelab.services.iam.entities import EntityKind
from sagelab.store.tables import iam_attachments as t


def _of(account: str, kind: EntityKind, entity_key: str) -> Any:
    return (t.c.account_id == account) & (t.c.entity_kind == kind) & (t.c.entity_key == entity_key)


def attach(conn: Connection, account: str, kind: EntityKind, entity_key: str, arn: str) -> None:
    if arn not in arns_of(conn, account, kind, entity_key):
        conn.execute(
            insert(t).values(
                account_id=account, entity_kind=kind, entity_key=entity_key, policy_arn=arn
            )
        )


def detach(conn: Connection, account: str, kind: EntityKind, entity_key: str, arn: str) -> bool:
    """False when the policy was not attached."""
    done = conn.execute(delete(t).where(_of(account, kind, entity_key) & (t.c.policy_arn == arn)))
    return done.rowcount > 0


def arns_of(conn: Connection, account: str, kind: EntityKind, entity_key: str) -> list[str]:
    rows = conn.execute(
        select(t.c.policy_arn).where(_of(account, kind, entity_key)).order_by(t.c.policy_arn)
    )
    return [r.policy_arn for r in rows]


def holders(conn: Connection, account: str, arn: str) -> list[tuple[str, str]]:
    """(kind, entity_key) of everything the policy is attached to."""
    rows = conn.execute(
        select(t.c.entity_kind, t.c.entity_key).where(
            (t.c.account_id == account) & (t.c.policy_arn == arn)
        )
    )
    return [(r.entity_kind, r.entity_key) for r in rows]


def counts(conn: Connection, account: str) -> dict[str, int]:
    """How many entities each attached policy ARN is attached to."""
    rows = conn.execute(
        select(t.c.policy_arn, func.count())
        .where(t.c.account_id == account)
        .group_by(t.c.policy_arn)
    )
    return {arn: n for arn, n in rows}
