"""Managed policies: AWS's (shipped data, read-only) and the account's own, with up to five
versions each, one of them the default."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from sagelab import arns
from sagelab.services.iam import attachments, aws_managed
from sagelab.services.iam.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    LimitExceeded,
    NoSuchEntity,
)
from sagelab.store.tables import iam_policies, iam_policy_versions

MAX_VERSIONS = 5


@dataclass(frozen=True)
class Policy:
    arn: str
    name: str
    policy_id: str
    path: str
    default_version: str
    created_at: float
    updated_at: float
    description: str | None = None
    tags: list[dict[str, str]] = field(default_factory=list)
    aws: bool = False


@dataclass(frozen=True)
class Version:
    version_id: str
    document: str
    is_default: bool
    created_at: float


def _from_row(row: Any) -> Policy:
    return Policy(
        arn=row.arn,
        name=row.policy_name,
        policy_id=row.policy_id,
        path=row.path,
        default_version=row.default_version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        description=row.description,
        tags=list(row.tags or []),
    )


def from_aws(data: dict[str, Any]) -> Policy:
    return Policy(
        arn=data["Arn"],
        name=data["PolicyName"],
        policy_id=data["PolicyId"],
        path=data["Path"],
        default_version=data["DefaultVersionId"],
        created_at=aws_managed.timestamp(data["CreateDate"]),
        updated_at=aws_managed.timestamp(data["UpdateDate"]),
        aws=True,
    )


def _missing(arn: str) -> NoSuchEntity:
    return NoSuchEntity(message=f"Policy {arn} does not exist or is not attachable.")


def find(conn: Connection, account: str, arn: str) -> Policy | None:
    data = aws_managed.find(arn)
    if data is not None:
        return from_aws(data)
    row = conn.execute(
        select(iam_policies).where(iam_policies.c.arn == arn, iam_policies.c.account_id == account)
    ).first()
    return None if row is None else _from_row(row)


def get(conn: Connection, account: str, arn: str) -> Policy:
    policy = find(conn, account, arn)
    if policy is None:
        raise _missing(arn)
    return policy


def _own(conn: Connection, account: str, arn: str) -> Policy:
    """A customer-managed policy: AWS's cannot be changed."""
    policy = get(conn, account, arn)
    if policy.aws:
        raise _missing(arn)
    return policy


def create(conn: Connection, account: str, name: str, document: str, **fields: Any) -> Policy:
    path = fields.get("path") or "/"
    taken = conn.execute(
        select(iam_policies.c.arn).where(
            iam_policies.c.account_id == account, iam_policies.c.name_key == name.lower()
        )
    ).first()
    if taken is not None:
        raise EntityAlreadyExists(
            message=f"A policy called {name} already exists. Duplicate names are not allowed."
        )
    now = time.time()
    policy = Policy(
        arn=arns.iam_policy(account, name, path),
        name=name,
        policy_id=arns.unique_id("ANPA"),
        path=path,
        default_version="v1",
        created_at=now,
        updated_at=now,
        description=fields.get("description"),
        tags=list(fields.get("tags") or []),
    )
    conn.execute(
        insert(iam_policies).values(
            arn=policy.arn,
            account_id=account,
            name_key=name.lower(),
            policy_name=name,
            policy_id=policy.policy_id,
            path=path,
            description=policy.description,
            default_version="v1",
            next_version=2,
            created_at=now,
            updated_at=now,
            tags=policy.tags,
        )
    )
    _insert_version(conn, policy.arn, "v1", document, now)
    return policy


def _insert_version(conn: Connection, arn: str, version_id: str, doc: str, now: float) -> None:
    conn.execute(
        insert(iam_policy_versions).values(
            policy_arn=arn, version_id=version_id, document=doc, created_at=now
        )
    )


def remove(conn: Connection, account: str, arn: str) -> None:
    policy = _own(conn, account, arn)
    if attachments.holders(conn, account, arn):
        raise DeleteConflict(message="Cannot delete a policy attached to entities.")
    if len(versions(conn, account, arn)) > 1:
        raise DeleteConflict(
            message="This policy has more than one version. Before you delete a policy, you "
            "must delete the policy's versions. The default version is deleted with the policy."
        )
    conn.execute(delete(iam_policy_versions).where(iam_policy_versions.c.policy_arn == arn))
    conn.execute(delete(iam_policies).where(iam_policies.c.arn == policy.arn))


def versions(conn: Connection, account: str, arn: str) -> list[Version]:
    policy = get(conn, account, arn)
    if policy.aws:
        created = policy.updated_at
        return [Version(policy.default_version, aws_managed.document(arn), True, created)]
    rows = conn.execute(
        select(iam_policy_versions)
        .where(iam_policy_versions.c.policy_arn == arn)
        .order_by(iam_policy_versions.c.created_at.desc())
    ).all()
    default = policy.default_version
    return [Version(r.version_id, r.document, r.version_id == default, r.created_at) for r in rows]


def version(conn: Connection, account: str, arn: str, version_id: str) -> Version:
    for v in versions(conn, account, arn):
        if v.version_id == version_id:
            return v
    raise NoSuchEntity(
        message=f"Policy {arn} version {version_id} does not exist or is not attachable."
    )


def add_version(
    conn: Connection, account: str, arn: str, document: str, set_default: bool
) -> Version:
    _own(conn, account, arn)
    if len(versions(conn, account, arn)) >= MAX_VERSIONS:
        raise LimitExceeded(
            message=f"A managed policy can have up to {MAX_VERSIONS} versions. Before you "
            "create a new version, you must delete an existing version."
        )
    number = conn.execute(
        select(iam_policies.c.next_version).where(iam_policies.c.arn == arn)
    ).scalar_one()
    version_id, now = f"v{number}", time.time()
    _insert_version(conn, arn, version_id, document, now)
    values: dict[str, Any] = {"next_version": number + 1, "updated_at": now}
    if set_default:
        values["default_version"] = version_id
    conn.execute(update(iam_policies).where(iam_policies.c.arn == arn).values(**values))
    return Version(version_id, document, set_default, now)


def set_default(conn: Connection, account: str, arn: str, version_id: str) -> None:
    _own(conn, account, arn)
    version(conn, account, arn, version_id)
    conn.execute(
        update(iam_policies)
        .where(iam_policies.c.arn == arn)
        .values(default_version=version_id, updated_at=time.time())
    )


def remove_version(conn: Connection, account: str, arn: str, version_id: str) -> None:
    if version(conn, account, arn, version_id).is_default:
        raise DeleteConflict(message="Cannot delete the default version of a policy.")
    _own(conn, account, arn)
    conn.execute(
        delete(iam_policy_versions).where(
            iam_policy_versions.c.policy_arn == arn,
            iam_policy_versions.c.version_id == version_id,
        )
    )


def default_document(conn: Connection, account: str, arn: str) -> str | None:
    policy = find(conn, account, arn)
    if policy is None:
        return None
    return version(conn, account, arn, policy.default_version).document


def customer(conn: Connection, account: str) -> list[Policy]:
    rows = conn.execute(
        select(iam_policies)
        .where(iam_policies.c.account_id == account)
        .order_by(iam_policies.c.name_key)
    )
    return [_from_row(r) for r in rows]


def count(conn: Connection, account: str) -> int:
    return int(
        conn.execute(
            select(func.count())
            .select_from(iam_policies)
            .where(iam_policies.c.account_id == account)
        ).scalar_one()
    )
