"""IAM roles: a trust policy saying who may assume them, and a session length limit."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from sagelab import arns
from sagelab.services.iam import entities
from sagelab.store.tables import iam_roles

DEFAULT_MAX_SESSION = 3600


@dataclass(frozen=True)
class Role:
    name: str
    role_id: str
    path: str
    arn: str
    created_at: float
    description: str | None
    max_session_duration: int
    trust_policy: str
    permissions_boundary: str | None
    tags: list[dict[str, str]]


def from_row(row: Any) -> Role:
    return Role(
        name=row.role_name,
        role_id=row.role_id,
        path=row.path,
        arn=row.arn,
        created_at=row.created_at,
        description=row.description,
        max_session_duration=row.max_session_duration,
        trust_policy=row.trust_policy,
        permissions_boundary=row.permissions_boundary,
        tags=list(row.tags or []),
    )


def create(conn: Connection, account: str, name: str, trust_policy: str, **fields: Any) -> Role:
    entities.ensure_absent(conn, "role", account, name)
    path = fields.get("path") or "/"
    max_session = fields.get("max_session_duration") or DEFAULT_MAX_SESSION
    role = Role(
        name=name,
        role_id=arns.unique_id("AROA"),
        path=path,
        arn=arns.iam_role(account, name, path),
        created_at=time.time(),
        description=fields.get("description"),
        max_session_duration=max_session,
        trust_policy=trust_policy,
        permissions_boundary=fields.get("permissions_boundary"),
        tags=list(fields.get("tags") or []),
    )
    conn.execute(
        insert(iam_roles).values(
            account_id=account,
            name_key=name.lower(),
            role_name=role.name,
            role_id=role.role_id,
            path=role.path,
            arn=role.arn,
            created_at=role.created_at,
            description=role.description,
            max_session_duration=role.max_session_duration,
            trust_policy=role.trust_policy,
            permissions_boundary=role.permissions_boundary,
            tags=role.tags,
        )
    )
    return role


def get(conn: Connection, account: str, name: str) -> Role:
    return from_row(entities.get(conn, "role", account, name))


def find_by_id(conn: Connection, role_id: str) -> Role | None:
    row = conn.execute(select(iam_roles).where(iam_roles.c.role_id == role_id)).first()
    return None if row is None else from_row(row)


def find_by_arn(conn: Connection, role_arn: str) -> Role | None:
    """The role an ARN names; its path must match too, as on AWS."""
    arn = arns.try_parse(role_arn)
    if arn is None or arn.service != "iam" or arn.resource_type != "role":
        return None
    row = entities.find(conn, "role", arn.account, arn.name)
    return None if row is None or row.arn != role_arn else from_row(row)


def set_fields(conn: Connection, account: str, name: str, **values: Any) -> None:
    entities.get(conn, "role", account, name)
    conn.execute(
        update(iam_roles)
        .where(iam_roles.c.account_id == account, iam_roles.c.name_key == name.lower())
        .values(**values)
    )
