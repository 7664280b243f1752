"""Console passwords (login profiles): salted scrypt hashes, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from sagelab.services.iam import entities, password_policy
from sagelab.services.iam.errors import EntityAlreadyExists, NoSuchEntity
from sagelab.store.tables import iam_login_profiles as t

_HASH_BYTES = 64  # hashlib.scrypt's default dklen

# What a password is checked against when the user has none: hashing it still costs one scrypt,
# so sign-in takes as long either way. The decoy hash need not be a real scrypt output (nothing
# matches it), so making it costs nothing at import.
_DECOY = (secrets.token_hex(16), secrets.token_hex(_HASH_BYTES))


def hash_password(password: str, salt: str) -> str:
    digest = hashlib.scrypt(
        password.encode(), salt=bytes.fromhex(salt), n=2**14, r=8, p=1, dklen=_HASH_BYTES
    )
    return digest.hex()


def _where(account: str, user_key: str) -> Any:
    return (t.c.account_id == account) & (t.c.user_key == user_key)


def _find(conn: Connection, account: str, user_key: str) -> Row[Any] | None:
    return conn.execute(select(t).where(_where(account, user_key))).first()


def exists(conn: Connection, account: str, user_key: str) -> bool:
    return _find(conn, account, user_key) is not None


def get(conn: Connection, account: str, user_name: str) -> tuple[str, Row[Any]]:
    """The user's name as stored, and the profile's row."""
    user = entities.get(conn, "user", account, user_name)
    row = _find(conn, account, user.name_key)
    if row is None:
        raise NoSuchEntity(message=f"Login Profile for User {user_name} cannot be found.")
    return user.user_name, row


def create(
    conn: Connection, account: str, user_name: str, password: str, reset_required: bool
) -> tuple[str, float]:
    user = entities.get(conn, "user", account, user_name)
    if exists(conn, account, user.name_key):
        raise EntityAlreadyExists(message=f"Login Profile for user {user_name} already exists.")
    password_policy.check(conn, account, password)
    salt, now = secrets.token_hex(16), time.time()
    conn.execute(
        insert(t).values(
            account_id=account,
            user_key=user.name_key,
            password_salt=salt,
            password_hash=hash_password(password, salt),
            reset_required=reset_required,
            created_at=now,
        )
    )
    return user.user_name, now


def change(
    conn: Connection,
    account: str,
    user_name: str,
    password: str | None,
    reset_required: bool | None,
) -> None:
    _, row = get(conn, account, user_name)
    values: dict[str, Any] = {}
    if password is not None:
        password_policy.check(conn, account, password)
        salt = secrets.token_hex(16)
        values.update(password_salt=salt, password_hash=hash_password(password, salt))
    if reset_required is not None:
        values["reset_required"] = reset_required
    if values:
        conn.execute(update(t).where(_where(account, row.user_key)).values(**values))


def remove(conn: Connection, account: str, user_name: str) -> None:
    _, row = get(conn, account, user_name)
    conn.execute(delete(t).where(_where(account, row.user_key)))


def matches(conn: Connection, account: str, user_key: str, password: str) -> bool:
    """Whether `password` is the user's; as slow when the user has none (no user probing)."""
    row = _find(conn, account, user_key)
    salt, expected = (row.password_salt, row.password_hash) if row else _DECOY
    return hmac.compare_digest(hash_password(password, salt), expected) and row is not None
