"""IAM users: names are unique case-insensitively within an account."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from sagelab import arns
from sagelab.services.iam.errors import EntityAlreadyExists, NoSuchEntity
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


def _from_row(row: Any) -> User:
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
    if _find(conn, account, name) is not None:
        raise EntityAlreadyExists(message=f"User with name {name} already exists.")
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


def _find(conn: Connection, account: str, name: str) -> User | None:
    row = conn.execute(
        select(iam_users).where(
            iam_users.c.account_id == account, iam_users.c.name_key == name.lower()
        )
    ).first()
    return None if row is None else _from_row(row)


def get(conn: Connection, account: str, name: str) -> User:
    user = _find(conn, account, name)
    if user is None:
        raise NoSuchEntity(message=f"The user with name {name} cannot be found.")
    return user


def delete_user(conn: Connection, account: str, name: str) -> None:
    get(conn, account, name)
    conn.execute(
        delete(iam_users).where(
            iam_users.c.account_id == account, iam_users.c.name_key == name.lower()
        )
    )


def list_page(
    conn: Connection, account: str, *, path_prefix: str = "/", marker: str | None, limit: int
) -> tuple[list[User], str | None]:
    """One page ordered by name; the marker is the lower-cased name the next page starts at."""
    query = select(iam_users).where(
        iam_users.c.account_id == account,
        iam_users.c.path.startswith(path_prefix, autoescape=True),
    )
    if marker:
        query = query.where(iam_users.c.name_key >= marker)
    rows = conn.execute(query.order_by(iam_users.c.name_key).limit(limit + 1)).all()
    next_marker = rows[limit].name_key if len(rows) > limit else None
    return [_from_row(r) for r in rows[:limit]], next_marker
