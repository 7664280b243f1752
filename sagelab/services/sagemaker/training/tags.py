"""AddTags, ListTags, DeleteTags over `sm_resources.tags`, for a resource named by its ARN.

Written for training jobs, but nothing here is particular to them: any SageMaker resource
kept in `sm_resources` (the ARN's resource type is its kind) is found the same way, with
names compared case-insensitively.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, update

from sagelab import arns
from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.errors import SageMakerValidation
from sagelab.services.sagemaker.training.jobs import row_key
from sagelab.store.tables import sm_resources

MAX_TAGS = 50


def _find(conn: Connection, arn: str) -> tuple[resources.Scope, resources.Resource]:
    parsed = arns.try_parse(arn)
    if parsed is not None and parsed.service == "sagemaker":
        where = resources.Scope(parsed.resource_type, parsed.account, parsed.region)
        found = resources.find(conn, where, parsed.resource_id)
        if found is not None:
            return where, found
    raise SageMakerValidation(message=f"Could not find resource {arn}.")


def _tags(conn: Connection, where: resources.Scope, name: str) -> list[dict[str, str]]:
    row = conn.execute(sm_resources.select().where(*row_key(where, name))).one()
    return list(row.tags or [])


def _store(conn: Connection, where: resources.Scope, name: str, tags: list[dict[str, str]]) -> None:
    conn.execute(update(sm_resources).where(*row_key(where, name)).values(tags=tags))


def add(conn: Connection, arn: str, new: list[dict[str, str]]) -> list[dict[str, str]]:
    where, found = _find(conn, arn)
    merged = {t["Key"]: t.get("Value", "") for t in _tags(conn, where, found.name)}
    merged.update({t["Key"]: t.get("Value", "") for t in new})
    if len(merged) > MAX_TAGS:
        raise SageMakerValidation(
            message=f"Resource {arn} would have {len(merged)} tags; at most {MAX_TAGS} are allowed."
        )
    tags = [{"Key": k, "Value": v} for k, v in merged.items()]
    _store(conn, where, found.name, tags)
    return [{"Key": t["Key"], "Value": t.get("Value", "")} for t in new]


def delete(conn: Connection, arn: str, keys: list[str]) -> None:
    where, found = _find(conn, arn)
    kept = [t for t in _tags(conn, where, found.name) if t["Key"] not in set(keys)]
    _store(conn, where, found.name, kept)


def page(
    conn: Connection, arn: str, token: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    where, found = _find(conn, arn)
    tags = _tags(conn, where, found.name)
    start = int(token) if token and token.isdigit() else 0
    end = start + limit
    return tags[start:end], (str(end) if end < len(tags) else None)
