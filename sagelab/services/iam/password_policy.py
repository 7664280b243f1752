"""The account's password policy, kept in the account's settings, and the check it makes of
console passwords."""

from __future__ import annotations

import string
from typing import Any

from sqlalchemy import Connection, select, update

from sagelab.services.iam.errors import NoSuchEntity, PasswordPolicyViolation
from sagelab.store.tables import accounts

_KEY = "password_policy"
DEFAULTS: dict[str, Any] = {
    "MinimumPasswordLength": 6,
    "RequireSymbols": False,
    "RequireNumbers": False,
    "RequireUppercaseCharacters": False,
    "RequireLowercaseCharacters": False,
    "AllowUsersToChangePassword": False,
    "HardExpiry": False,
}
SYMBOLS = "!@#$%^&*()_+-=[]{}|'"
_CLASSES = (
    ("RequireSymbols", SYMBOLS, "one symbol character"),
    ("RequireNumbers", string.digits, "one number"),
    ("RequireUppercaseCharacters", string.ascii_uppercase, "one uppercase letter"),
    ("RequireLowercaseCharacters", string.ascii_lowercase, "one lowercase letter"),
)


def _settings(conn: Connection, account: str) -> dict[str, Any]:
    found = conn.execute(
        select(accounts.c.settings).where(accounts.c.account_id == account)
    ).scalar()
    return dict(found or {})


def _store(conn: Connection, account: str, settings: dict[str, Any]) -> None:
    conn.execute(update(accounts).where(accounts.c.account_id == account).values(settings=settings))


def find(conn: Connection, account: str) -> dict[str, Any] | None:
    policy = _settings(conn, account).get(_KEY)
    return None if policy is None else dict(policy)


def get(conn: Connection, account: str) -> dict[str, Any]:
    policy = find(conn, account)
    if policy is None:
        raise NoSuchEntity(
            message=f"The Password Policy with domain name {account} cannot be found."
        )
    policy["ExpirePasswords"] = bool(policy.get("MaxPasswordAge"))
    return policy


def put(conn: Connection, account: str, values: dict[str, Any]) -> None:
    settings = _settings(conn, account)
    settings[_KEY] = {**DEFAULTS, **{k: v for k, v in values.items() if v is not None}}
    _store(conn, account, settings)


def remove(conn: Connection, account: str) -> None:
    settings = _settings(conn, account)
    if _KEY not in settings:
        get(conn, account)  # raises NoSuchEntity
    settings.pop(_KEY, None)
    _store(conn, account, settings)


def check(conn: Connection, account: str, password: str) -> None:
    """PasswordPolicyViolation listing what the password lacks, as IAM does."""
    policy = find(conn, account)
    if policy is None:
        return
    problems = []
    if len(password) < policy["MinimumPasswordLength"]:
        problems.append(f"a minimum length of {policy['MinimumPasswordLength']}")
    problems += [
        f"at least {what}"
        for flag, chars, what in _CLASSES
        if policy.get(flag) and not any(c in chars for c in password)
    ]
    if problems:
        raise PasswordPolicyViolation(message="Password should have " + ", ".join(problems))
