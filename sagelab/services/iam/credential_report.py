"""The credential report: one CSV line per user (and the root first), laid out as AWS does."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from sagelab import arns
from sagelab.store.tables import accounts, iam_access_keys, iam_login_profiles, iam_users

COLUMNS = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
]


def _iso(epoch: float | None) -> str:
    if epoch is None:
        return "N/A"
    return datetime.fromtimestamp(int(epoch), UTC).isoformat()


def _key_fields(key: Any | None) -> list[str]:
    if key is None:
        return ["false", "N/A", "N/A", "N/A", "N/A"]
    return [
        "true" if key.status == "Active" else "false",
        _iso(key.created_at),
        _iso(key.last_used_at),
        key.last_used_region or "N/A",
        key.last_used_service or "N/A",
    ]


def _user_line(user: Any, profile: Any | None, keys: list[Any]) -> list[str]:
    keys = [*keys, None, None][:2]
    password = (
        ["true", _iso(profile.last_used_at), _iso(profile.created_at), "N/A"]
        if profile
        else ["false", "N/A", "N/A", "N/A"]
    )
    return [
        user.user_name,
        user.arn,
        _iso(user.created_at),
        *password,
        "false",
        *_key_fields(keys[0]),
        *_key_fields(keys[1]),
        "false", "N/A", "false", "N/A",
    ]  # fmt: skip


def _root_line(account: str, created: float) -> list[str]:
    line = ["<root_account>", arns.iam_root(account), _iso(created), "not_supported"]
    line += ["N/A", "not_supported", "not_supported", "false"]
    line += _key_fields(None) + _key_fields(None) + ["false", "N/A", "false", "N/A"]
    return line


def build(conn: Connection, account: str) -> bytes:
    created = conn.execute(
        select(accounts.c.created_at).where(accounts.c.account_id == account)
    ).scalar()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerow(_root_line(account, created or 0.0))
    profiles = {
        r.user_key: r
        for r in conn.execute(
            select(iam_login_profiles).where(iam_login_profiles.c.account_id == account)
        )
    }
    keys: dict[str, list[Any]] = {}
    for key in conn.execute(
        select(iam_access_keys)
        .where(iam_access_keys.c.account_id == account)
        .order_by(iam_access_keys.c.created_at)
    ):
        keys.setdefault(key.user_key, []).append(key)
    for user in conn.execute(
        select(iam_users).where(iam_users.c.account_id == account).order_by(iam_users.c.name_key)
    ):
        writer.writerow(_user_line(user, profiles.get(user.name_key), keys.get(user.name_key, [])))
    return out.getvalue().rstrip("\n").encode()
