"""IAM groups and their members."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from sagelab import arns
from sagelab.services.iam import entities
from sagelab.store.tables import iam_group_members, iam_groups, iam_users

_members = iam_group_members


def create(conn: Connection, account: str, name: str, path: str) -> Any:
    entities.ensure_absent(conn, "group", account, name)
    conn.execute(
        insert(iam_groups).values(
            account_id=account,
            name_key=name.lower(),
            group_name=name,
            group_id=arns.unique_id("AGPA"),
            path=path,
            arn=arns.iam_group(account, name, path),
            created_at=time.time(),
        )
    )
    return entities.get(conn, "group", account, name)


def _membership(account: str, group_key: str, user_key: str) -> Any:
    return (
        (_members.c.account_id == account)
        & (_members.c.group_key == group_key)
        & (_members.c.user_key == user_key)
    )


def add_user(conn: Connection, account: str, group: str, user: str) -> None:
    g = entities.get(conn, "group", account, group)
    u = entities.get(conn, "user", account, user)
    where = _membership(account, g.name_key, u.name_key)
    if conn.execute(select(_members.c.user_key).where(where)).first() is None:
        conn.execute(
            insert(_members).values(
                account_id=account, group_key=g.name_key, user_key=u.name_key, added_at=time.time()
            )
        )


def remove_user(conn: Connection, account: str, group: str, user: str) -> None:
    g = entities.get(conn, "group", account, group)
    u = entities.get(conn, "user", account, user)
    conn.execute(delete(_members).where(_membership(account, g.name_key, u.name_key)))


def members_query(account: str, group_key: str) -> Any:
    return (
        select(iam_users)
        .join(
            _members,
            (_members.c.account_id == iam_users.c.account_id)
            & (_members.c.user_key == iam_users.c.name_key),
        )
        .where(_members.c.account_id == account, _members.c.group_key == group_key)
    )


def of_user_query(account: str, user_key: str) -> Any:
    return (
        select(iam_groups)
        .join(
            _members,
            (_members.c.account_id == iam_groups.c.account_id)
            & (_members.c.group_key == iam_groups.c.name_key),
        )
        .where(_members.c.account_id == account, _members.c.user_key == user_key)
    )


def has_members(conn: Connection, account: str, group_key: str) -> bool:
    query = select(_members.c.user_key).where(
        _members.c.account_id == account, _members.c.group_key == group_key
    )
    return conn.execute(query.limit(1)).first() is not None
