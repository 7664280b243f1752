"""What IAM says about a principal, for the policy evaluator: the identity policies that
apply to it, its session policy, and roles' trust policies.

Answers are cached per principal and dropped on any IAM change (see `changes`).
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Connection, select

from sagelab.gateway.context import Principal
from sagelab.services.iam import attachments, changes, entities, inline, policies, roles
from sagelab.services.iam.entities import EntityKind
from sagelab.store.tables import iam_group_members, iam_users

_CACHE_LIMIT = 4096
_cache: dict[tuple[str, str], tuple[int, list[str]]] = {}
_lock = threading.Lock()


def _documents(conn: Connection, account: str, kind: EntityKind, key: str) -> list[str]:
    docs = inline.documents(conn, account, kind, key)
    for arn in attachments.arns_of(conn, account, kind, key):
        doc = policies.default_document(conn, account, arn)
        if doc is not None:
            docs.append(doc)
    return docs


def group_keys(conn: Connection, account: str, user_key: str) -> list[str]:
    rows = conn.execute(
        select(iam_group_members.c.group_key).where(
            iam_group_members.c.account_id == account, iam_group_members.c.user_key == user_key
        )
    )
    return [r.group_key for r in rows]


def _collect(conn: Connection, principal: Principal) -> list[str]:
    account = principal.account_id
    if principal.kind == "assumed-role":
        role = roles.find_by_id(conn, principal.user_id.split(":", 1)[0])
        return [] if role is None else _documents(conn, account, "role", role.name.lower())
    if principal.kind != "user":
        return []
    user = conn.execute(
        select(iam_users.c.name_key).where(iam_users.c.user_id == principal.user_id)
    ).first()
    if user is None:
        return []
    docs = _documents(conn, account, "user", user.name_key)
    for group in group_keys(conn, account, user.name_key):
        docs += _documents(conn, account, "group", group)
    return docs


def policies_for(conn: Connection, principal: Principal) -> list[str]:
    """Every identity-policy document that applies: a user's inline and attached ones and
    those of its groups; a role session's role's inline and attached ones."""
    key = (principal.kind, principal.user_id)
    generation = changes.generation()
    with _lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] == generation:
        return list(hit[1])
    docs = _collect(conn, principal)
    with _lock:
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[key] = (generation, docs)
    return list(docs)


def session_policy(principal: Principal) -> str | None:
    """The policy passed to AssumeRole, stored with the session; it intersects."""
    return principal.session_policy


def role_trust_policy(conn: Connection, account_id: str, role_name: str) -> str | None:
    row = entities.find(conn, "role", account_id, role_name)
    return None if row is None else str(row.trust_policy)


def role_by_arn(conn: Connection, role_arn: str) -> dict[str, Any] | None:
    role = roles.find_by_arn(conn, role_arn)
    if role is None:
        return None
    return {
        "name": role.name,
        "path": role.path,
        "arn": role.arn,
        "role_id": role.role_id,
        "max_session_duration": role.max_session_duration,
        "trust_policy": role.trust_policy,
    }


def principal_arn(conn: Connection, principal: Principal) -> str:
    """The ARN policies name a principal by (`aws:PrincipalArn`): a role session's role."""
    if principal.kind != "assumed-role":
        return principal.arn
    role = roles.find_by_id(conn, principal.user_id.split(":", 1)[0])
    return principal.arn if role is None else role.arn
