"""Bucket policies: stored as the caller wrote them, after S3's structural checks.

IAM evaluates them (`bucket_policy(conn, bucket)` gives the stored text); this module only
refuses documents S3 refuses, with its `MalformedPolicy` wording.
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

from sqlalchemy import Connection

from sagelab.services.s3.bucket_config import config_of
from sagelab.services.s3.config_errors import MalformedPolicy
from sagelab.services.s3.errors import NoSuchBucket

SECTION = "policy"
VERSIONS = ("2012-10-17", "2008-10-17")
_TOP_FIELDS = {"Version", "Id", "Statement"}
_STATEMENT_FIELDS = {
    "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
    "Resource", "NotResource", "Condition",
}  # fmt: skip
_PRINCIPAL_KINDS = {"AWS", "Service", "Federated", "CanonicalUser"}
# Each required element and the one it may be replaced by.
_EITHER = (("Principal", "NotPrincipal"), ("Action", "NotAction"), ("Resource", "NotResource"))


def bucket_policy(conn: Connection, bucket: str) -> str | None:
    """The bucket's policy document as stored, or None (also for a missing bucket)."""
    try:
        policy: str | None = config_of(conn, bucket).get(SECTION)
    except NoSuchBucket:
        return None
    return policy


def check_policy(text: str, bucket: str) -> str:
    """`text` unchanged if S3 would store it, else MalformedPolicy."""
    if not text.lstrip().startswith("{"):
        raise MalformedPolicy("Policies must be valid JSON and the first byte must be '{'")
    try:
        doc = json.loads(text)
    except ValueError:
        raise MalformedPolicy(
            "Policies must be valid JSON and the first byte must be '{'"
        ) from None
    _check_top(doc)
    statements = doc["Statement"]
    for statement in statements if isinstance(statements, list) else [statements]:
        _check_statement(statement, bucket)
    return text


def _check_top(doc: dict[str, Any]) -> None:
    _no_unknown(doc, _TOP_FIELDS)
    if "Version" in doc and doc["Version"] not in VERSIONS:
        raise MalformedPolicy("Invalid policy document version")
    if "Statement" not in doc:
        raise MalformedPolicy("Missing required field Statement")
    statements = doc["Statement"]
    if not isinstance(statements, dict | list) or not statements:
        raise MalformedPolicy("Statement must be an object or a non-empty array")


def _check_statement(statement: Any, bucket: str) -> None:
    if not isinstance(statement, dict):
        raise MalformedPolicy("Statement must be an object")
    _no_unknown(statement, _STATEMENT_FIELDS)
    _check_required(statement)
    _check_principal(statement.get("Principal", statement.get("NotPrincipal")))
    actions = statement.get("Action", statement.get("NotAction"))
    for action in _strings(actions, "Policy has invalid action"):
        if action != "*" and not action.lower().startswith("s3:"):
            raise MalformedPolicy("Policy has invalid action")
    resources = statement.get("Resource", statement.get("NotResource"))
    for resource in _strings(resources, "Policy has invalid resource"):
        if not _names_bucket(resource, bucket):
            raise MalformedPolicy("Policy has invalid resource")
    if not isinstance(statement.get("Condition", {}), dict):
        raise MalformedPolicy("Invalid Condition in policy")


def _check_required(statement: dict[str, Any]) -> None:
    effect = statement.get("Effect")
    if effect is None:
        raise MalformedPolicy("Missing required field Effect")
    if effect not in ("Allow", "Deny"):
        raise MalformedPolicy(f"Invalid effect: {effect}")
    for name, alternative in _EITHER:
        if name not in statement and alternative not in statement:
            raise MalformedPolicy(f"Missing required field {name}")


def _check_principal(principal: Any) -> None:
    if principal == "*":
        return
    if not isinstance(principal, dict) or not principal:
        raise MalformedPolicy("Invalid principal in policy")
    for kind, value in principal.items():
        if kind not in _PRINCIPAL_KINDS:
            raise MalformedPolicy("Invalid principal in policy")
        _strings(value, "Invalid principal in policy")


def _strings(value: Any, error: str) -> list[str]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) and v for v in values):
        raise MalformedPolicy(error)
    return values


def _names_bucket(resource: str, bucket: str) -> bool:
    """A bucket policy may only name its own bucket or objects in it (wildcards allowed)."""
    return resource == "*" or fnmatchcase(f"arn:aws:s3:::{bucket}", resource.split("/", 1)[0])


def _no_unknown(doc: dict[str, Any], known: set[str]) -> None:
    for name in doc:
        if name not in known:
            raise MalformedPolicy(f"Unknown field {name}")


def is_public(text: str) -> bool:
    """S3's PolicyStatus: some unconditional Allow names everyone as principal."""
    statements = json.loads(text)["Statement"]
    return any(
        s.get("Effect") == "Allow"
        and not s.get("Condition")
        and s.get("Principal") in ("*", {"AWS": "*"})
        for s in (statements if isinstance(statements, list) else [statements])
    )
