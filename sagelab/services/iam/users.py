"""IAM users: names are unique case-insensitively within an account."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert

from sagelab import arns
from sagelab.services.iam import entities
from sagelab.store.tables import iam_users


@dataclass(frozen=True)
class User:
    name: str
    user_id: str
    path: str
    arn: str
    created_at: float
    permissions_boundary: str | None
    tags: list[dict[str, str]]


def from_row(row: Any) -> User:
    return User(
        name=row.user_name,
        user_id=row.user_id,
        path=row.path,
        arn=row.arn,
        created_at=row.created_at,
        permissions_boundary=row.permissions_boundary,
        tags=list(row.tags or []),
    )


def create(
    conn: Connection,
    account: str,
    name: str,
    *,
    path: str = "/",
    permissions_boundary: str | None = None,
    tags: list[dict[str, str]] | None = None,
) -> User:
    entities.ensure_absent(conn, "user", account, name)
    user = User(
        name=name,
        user_id=arns.unique_id("AIDA"),
        path=path,
        arn=arns.iam_user(account, name, path),
        created_at=time.time(),
        permissions_boundary=permissions_boundary,
        tags=list(tags or []),
    )
    conn.execute(
        insert(iam_users).values(
            account_id=account,
            name_key=name.lower(),
            user_name=user.name,
            user_id=user.user_id,
            path=user.path,
            arn=user.arn,
            created_at=user.created_at,
            permissions_boundary=user.permissions_boundary,
            tags=user.tags,
        )
    )
    return user


def get(conn: Connection, account: str, name: str) -> User:
    return from_row(entities.get(conn, "user", account, name))
