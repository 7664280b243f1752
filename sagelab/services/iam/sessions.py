"""Temporary credentials: role sessions (AssumeRole, and those minted for jobs, endpoints and
notebooks) and user sessions (GetSessionToken).

Each session is a row holding its encrypted secret; its token is sealed from the session's
claims (key id, who, until when, the session policy's hash) with the data dir's key, and
recomputed on every request, so a token that was altered, has expired, or outlived its role
or user no longer authenticates.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, Row, delete, insert, select

from sagelab import arns
from sagelab.gateway.context import Principal
from sagelab.gateway.errors import ServiceError
from sagelab.gateway.sigv4 import Credential
from sagelab.services.iam import keyring, roles
from sagelab.services.iam.keyring import Keyring
from sagelab.store.metadata import MetadataStore
from sagelab.store.tables import iam_roles, iam_users, sts_sessions

SessionKind = Literal["assumed-role", "user", "root"]


@dataclass(frozen=True)
class Grant:
    """Who a new session acts as."""

    kind: SessionKind
    account: str
    entity_key: str  # the role's or user's lower-cased name
    entity_id: str  # its unique id (AROA…/AIDA…): a recreated namesake is someone else
    session_name: str
    policy: str | None = None


def role_grant(role: roles.Role, account: str, session_name: str, policy: str | None) -> Grant:
    return Grant("assumed-role", account, role.name.lower(), role.role_id, session_name, policy)


def caller_grant(principal: Principal) -> Grant:
    """A session acting as the calling user or root (GetSessionToken)."""
    kind: SessionKind = "root" if principal.is_root else "user"
    return Grant(kind, principal.account_id, principal.name.lower(), principal.user_id, "")


def start(conn: Connection, ring: Keyring, grant: Grant, duration_seconds: int) -> Credential:
    """Store a new session and answer its credentials."""
    key_id = arns.access_key_id(temporary=True)
    secret = arns.secret_access_key()
    now = time.time()
    conn.execute(
        insert(sts_sessions).values(
            access_key_id=key_id,
            account_id=grant.account,
            kind=grant.kind,
            entity_key=grant.entity_key,
            entity_id=grant.entity_id,
            session_name=grant.session_name,
            secret=ring.encrypt(secret),
            session_policy=grant.policy,
            created_at=now,
            expires_at=float(int(now + duration_seconds)),
        )
    )
    row = conn.execute(select(sts_sessions).where(sts_sessions.c.access_key_id == key_id)).one()
    credential = _credential(conn, ring, row)
    assert credential is not None  # the role or user was just read in this transaction
    return credential


def _token(ring: Keyring, row: Row[Any]) -> str:
    policy_hash = hashlib.sha256((row.session_policy or "").encode()).hexdigest()
    claims = [
        row.access_key_id,
        row.kind,
        row.entity_id,
        row.session_name,
        int(row.expires_at),
        policy_hash,
    ]
    return ring.seal_token(json.dumps(claims, separators=(",", ":")).encode())


def _principal(conn: Connection, row: Row[Any]) -> Principal | None:
    """The principal a session acts as, or None when its role or user is gone."""
    if row.kind == "assumed-role":
        role = conn.execute(select(iam_roles).where(iam_roles.c.role_id == row.entity_id)).first()
        if role is None:
            return None
        return Principal(
            kind="assumed-role",
            account_id=row.account_id,
            arn=arns.sts_assumed_role(row.account_id, role.role_name, row.session_name),
            user_id=f"{role.role_id}:{row.session_name}",
            name=role.role_name,
            access_key_id=row.access_key_id,
            session_policy=row.session_policy,
        )
    if row.kind == "root":
        account = row.account_id
        root = arns.iam_root(account)
        return Principal("root", account, root, account, "root", row.access_key_id)
    user = conn.execute(select(iam_users).where(iam_users.c.user_id == row.entity_id)).first()
    if user is None:
        return None
    return Principal(
        kind="user",
        account_id=row.account_id,
        arn=user.arn,
        user_id=user.user_id,
        name=user.user_name,
        access_key_id=row.access_key_id,
    )


def _credential(conn: Connection, ring: Keyring, row: Row[Any]) -> Credential | None:
    principal = _principal(conn, row)
    if principal is None:
        return None
    return Credential(
        access_key_id=row.access_key_id,
        secret_access_key=ring.decrypt(row.secret),
        principal=principal,
        session_token=_token(ring, row),
        expires_at=row.expires_at,
    )


def lookup(conn: Connection, ring: Keyring, access_key_id: str) -> Credential | None:
    row = conn.execute(
        select(sts_sessions).where(sts_sessions.c.access_key_id == access_key_id)
    ).first()
    return None if row is None else _credential(conn, ring, row)


def end_all(conn: Connection, account: str, entity_id: str) -> None:
    """Forget the sessions of a deleted role or user (they already stop authenticating)."""
    conn.execute(
        delete(sts_sessions).where(
            sts_sessions.c.account_id == account, sts_sessions.c.entity_id == entity_id
        )
    )


def mint_role_session(
    meta: MetadataStore,
    account_id: str,
    role_arn: str,
    session_name: str,
    duration_seconds: int = 3600,
) -> Credential:
    """Credentials for a role as if `sagemaker.amazonaws.com` had assumed it, for jobs,
    endpoints and notebooks; checking that the trust policy allows it is the caller's."""
    with meta.begin() as conn:
        role = roles.find_by_arn(conn, role_arn)
        if role is None or arns.parse(role_arn).account != account_id:
            raise ServiceError(
                "ValidationException",
                f"Could not assume role {role_arn}. Please ensure that the role exists and "
                "allows principal 'sagemaker.amazonaws.com' to assume the role.",
            )
        grant = role_grant(role, account_id, session_name, None)
        return start(conn, keyring.of(meta), grant, duration_seconds)
