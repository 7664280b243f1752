"""Rows of `sm_resources` for the hosting kinds: insert, save, delete, and the messages
SageMaker answers for missing and duplicate ones (the SDK keys on them, contracts §3.6)."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection, delete, insert, update

from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.errors import SageMakerValidation
from sagelab.services.sagemaker.hosting import CONFIG, ENDPOINT, MODEL
from sagelab.services.sagemaker.training.jobs import row_key
from sagelab.store.tables import sm_resources

# How each kind's messages name it: models and endpoints by ARN, configs by name.
_NOUNS = {MODEL: "model", CONFIG: "endpoint configuration", ENDPOINT: "endpoint"}
_BY_ARN = (MODEL, ENDPOINT)
# Each kind's documents name it in `<prefix>Name` and `<prefix>Arn`.
_MEMBERS = {MODEL: "Model", CONFIG: "EndpointConfig", ENDPOINT: "Endpoint"}


def _label(where: resources.Scope, name: str, arn: str) -> str:
    return arn if where.kind in _BY_ARN else name


def not_found(where: resources.Scope, name: str, arn: str) -> SageMakerValidation:
    return SageMakerValidation(
        message=f'Could not find {_NOUNS[where.kind]} "{_label(where, name, arn)}".'
    )


def require(conn: Connection, where: resources.Scope, name: str, arn: str) -> resources.Resource:
    found = resources.find(conn, where, name)
    if found is None:
        raise not_found(where, name, arn)
    return found


def insert_new(
    conn: Connection,
    where: resources.Scope,
    doc: dict[str, Any],
    *,
    tags: list[dict[str, str]],
    status: str | None = None,
    desired: dict[str, Any] | None = None,
) -> None:
    prefix = _MEMBERS[where.kind]
    name, arn = doc[f"{prefix}Name"], doc[f"{prefix}Arn"]
    if resources.find(conn, where, name) is not None:
        raise SageMakerValidation(
            message=f"Cannot create already existing {_NOUNS[where.kind]} "
            f'"{_label(where, name, arn)}".'
        )
    now = doc.get("CreationTime", time.time())
    conn.execute(
        insert(sm_resources).values(
            kind=where.kind,
            account_id=where.account_id,
            region=where.region,
            name_key=name.lower(),
            name=name,
            arn=arn,
            status=status,
            created_at=now,
            modified_at=now,
            doc=doc,
            tags=tags,
            desired=desired,
        )
    )


def summary(kind: str, found: resources.Resource) -> dict[str, Any]:
    """A List* item: name, ARN and creation time; endpoints add their status."""
    prefix = _MEMBERS[kind]
    out = {f"{prefix}Name": found.name, f"{prefix}Arn": found.arn, "CreationTime": found.created_at}
    if kind == ENDPOINT:
        out.update(LastModifiedTime=found.modified_at, EndpointStatus=found.status)
    return out


def save(
    conn: Connection, where: resources.Scope, name: str, doc: dict[str, Any], status: str | None
) -> None:
    conn.execute(
        update(sm_resources)
        .where(*row_key(where, name))
        .values(doc=doc, status=status, modified_at=time.time())
    )


def set_desired(
    conn: Connection, where: resources.Scope, name: str, desired: dict[str, Any]
) -> None:
    conn.execute(update(sm_resources).where(*row_key(where, name)).values(desired=desired))


def remove(conn: Connection, where: resources.Scope, name: str) -> None:
    conn.execute(delete(sm_resources).where(*row_key(where, name)))
