"""Users' long-term access keys: at most two each, Active or Inactive, secrets encrypted."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, delete, func, insert, select, update

from sagelab import arns
from sagelab.gateway.context import Principal
from sagelab.gateway.sigv4 import Credential
from sagelab.services.iam import entities
from sagelab.services.iam.errors import LimitExceeded, NoSuchEntity
from sagelab.services.iam.keyring import Keyring
from sagelab.store.tables import iam_access_keys, iam_users

MAX_PER_USER = 2


@dataclass(frozen=True)
class AccessKey:
    user_name: str
    access_key_id: str
    status: str
    created_at: float
    secret_access_key: str = ""  # only right after creation


def _of_user(account: str, user_key: str) -> Any:
    return select(iam_access_keys).where(
        iam_access_keys.c.account_id == account, iam_access_keys.c.user_key == user_key
    )


def create(conn: Connection, ring: Keyring, account: str, user_name: str) -> AccessKey:
    user = entities.get(conn, "user", account, user_name)
    count = conn.execute(
        select(func.count()).select_from(_of_user(account, user.name_key).subquery())
    ).scalar_one()
    if count >= MAX_PER_USER:
        raise LimitExceeded(message=f"Cannot exceed quota for AccessKeysPerUser: {MAX_PER_USER}")
    key = AccessKey(
        user_name=user.user_name,
        access_key_id=arns.access_key_id(),
        status="Active",
        created_at=time.time(),
        secret_access_key=arns.secret_access_key(),
    )
    conn.execute(
        insert(iam_access_keys).values(
            access_key_id=key.access_key_id,
            account_id=account,
            user_key=user.name_key,
            secret=ring.encrypt(key.secret_access_key),
            status=key.status,
            created_at=key.created_at,
        )
    )
    return key


def of_user(conn: Connection, account: str, user_name: str) -> list[AccessKey]:
    user = entities.get(conn, "user", account, user_name)
    rows = conn.execute(
        _of_user(account, user.name_key).order_by(iam_access_keys.c.created_at)
    ).all()
    return [AccessKey(user.user_name, r.access_key_id, r.status, r.created_at) for r in rows]


def _get(conn: Connection, account: str, key_id: str, user_key: str | None) -> Row[Any]:
    query = select(iam_access_keys).where(
        iam_access_keys.c.account_id == account, iam_access_keys.c.access_key_id == key_id
    )
    if user_key is not None:
        query = query.where(iam_access_keys.c.user_key == user_key)
    row = conn.execute(query).first()
    if row is None:
        raise NoSuchEntity(message=f"The Access Key with id {key_id} cannot be found.")
    return row


def _user_key(conn: Connection, account: str, user_name: str | None) -> str | None:
    if user_name is None:
        return None
    return str(entities.get(conn, "user", account, user_name).name_key)


def set_status(
    conn: Connection, account: str, key_id: str, status: str, user_name: str | None
) -> None:
    _get(conn, account, key_id, _user_key(conn, account, user_name))
    conn.execute(
        update(iam_access_keys)
        .where(iam_access_keys.c.access_key_id == key_id)
        .values(status=status)
    )


def remove(conn: Connection, account: str, key_id: str, user_name: str | None) -> None:
    _get(conn, account, key_id, _user_key(conn, account, user_name))
    conn.execute(delete(iam_access_keys).where(iam_access_keys.c.access_key_id == key_id))


def remove_all(conn: Connection, account: str, user_key: str) -> None:
    conn.execute(
        delete(iam_access_keys).where(
            iam_access_keys.c.account_id == account, iam_access_keys.c.user_key == user_key
        )
    )


def last_used(conn: Connection, account: str, key_id: str) -> tuple[str, dict[str, Any]]:
    """The key's user name and AccessKeyLastUsed as GetAccessKeyLastUsed answers them."""
    row = conn.execute(
        select(iam_access_keys, iam_users.c.user_name)
        .join(
            iam_users,
            (iam_users.c.account_id == iam_access_keys.c.account_id)
            & (iam_users.c.name_key == iam_access_keys.c.user_key),
        )
        .where(iam_access_keys.c.access_key_id == key_id)
    ).first()
    if row is None or row.account_id != account:
        raise NoSuchEntity(message=f"The Access Key with id {key_id} cannot be found.")
    used: dict[str, Any] = {"ServiceName": "N/A", "Region": "N/A"}
    if row.last_used_at is not None:
        used = {
            "LastUsedDate": row.last_used_at,
            "ServiceName": row.last_used_service or "N/A",
            "Region": row.last_used_region or "N/A",
        }
    return row.user_name, used


def lookup(conn: Connection, ring: Keyring, access_key_id: str) -> Credential | None:
    """An Active key's credential; None for unknown, inactive or deleted keys."""
    row = conn.execute(
        select(iam_access_keys, iam_users)
        .join(
            iam_users,
            (iam_users.c.account_id == iam_access_keys.c.account_id)
            & (iam_users.c.name_key == iam_access_keys.c.user_key),
        )
        .where(iam_access_keys.c.access_key_id == access_key_id)
    ).first()
    if row is None or row.status != "Active":
        return None
    principal = Principal(
        kind="user",
        account_id=row.account_id,
        arn=row.arn,
        user_id=row.user_id,
        name=row.user_name,
        access_key_id=access_key_id,
    )
    return Credential(access_key_id, ring.decrypt(row.secret), principal)
