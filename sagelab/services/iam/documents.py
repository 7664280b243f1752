"""Policy documents: JSON text → statements, parsed once per distinct text (the cache is keyed
by the text itself, so an IAM change that stores a new document can never see a stale parse).

`validate_policy` answers MalformedPolicyDocument with the messages IAM uses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from sagelab.gateway.errors import ClientError
from sagelab.services.iam.conditions import Condition, UnknownOperator, parse_block
from sagelab.services.iam.patterns import Glob

PolicyKind = Literal["identity", "resource", "trust"]
VERSIONS = ("2012-10-17", "2008-10-17")
_TOP_KEYS = {"Version", "Id", "Statement"}
_STATEMENT_KEYS = {
    "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
    "Principal", "NotPrincipal", "Condition",
}  # fmt: skip
SYNTAX = "Syntax errors in policy."


class MalformedPolicyDocument(ClientError):
    code = "MalformedPolicyDocument"
    status = 400


# {"AWS": (...), "Service": (...)}; a Principal of "*" reads as {"AWS": ("*",)}
Principals = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Statement:
    index: int  # position in the document, for the simulator's MatchedStatements
    sid: str | None
    allow: bool
    actions: tuple[Glob, ...]
    not_action: bool
    resources: tuple[Glob, ...] | None  # None: no Resource element (trust policies)
    not_resource: bool
    principals: Principals | None
    not_principal: bool
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Document:
    version: str | None
    statements: tuple[Statement, ...]


def _strings(raw: Any) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else [raw]
    if not items or not all(isinstance(i, str) for i in items):
        raise MalformedPolicyDocument(message=SYNTAX)
    return tuple(items)


def _actions(raw: Any) -> tuple[Glob, ...]:
    names = _strings(raw)
    for name in names:
        if name != "*" and ":" not in name:
            raise MalformedPolicyDocument(
                message="Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
            )
    return tuple(Glob(n, ignore_case=True, variables=False) for n in names)


def _resources(raw: Any, variables: bool) -> tuple[Glob, ...]:
    names = _strings(raw)
    for name in names:
        if name != "*" and not (name.startswith("arn:") and name.count(":") >= 5):
            raise MalformedPolicyDocument(message=f'Resource {name} must be in ARN format or "*".')
    return tuple(Glob(n, variables=variables) for n in names)


def _principals(raw: Any) -> Principals:
    if raw == "*":
        return {"AWS": ("*",)}
    if not isinstance(raw, dict) or not raw:
        raise MalformedPolicyDocument(message=SYNTAX)
    return {kind: _strings(values) for kind, values in raw.items()}


def _either(raw: Mapping[str, Any], name: str) -> tuple[Any, bool]:
    """The value of `name` or `Not<name>` and whether it was the negated one."""
    if name in raw and f"Not{name}" in raw:
        raise MalformedPolicyDocument(message=SYNTAX)
    if f"Not{name}" in raw:
        return raw[f"Not{name}"], True
    return raw.get(name), False


def _conditions(raw: Any, variables: bool) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise MalformedPolicyDocument(message=SYNTAX)
    try:
        return parse_block(raw, variables=variables)
    except UnknownOperator as exc:
        raise MalformedPolicyDocument(message=f"Invalid Condition type : {exc}") from None
    except ValueError:
        raise MalformedPolicyDocument(message=SYNTAX) from None


def _statement(index: int, raw: Any, variables: bool) -> Statement:
    if not isinstance(raw, dict) or set(raw) - _STATEMENT_KEYS:
        raise MalformedPolicyDocument(message=SYNTAX)
    if raw.get("Effect") not in ("Allow", "Deny"):
        raise MalformedPolicyDocument(message=SYNTAX)
    actions, not_action = _either(raw, "Action")
    if actions is None:
        raise MalformedPolicyDocument(message="Policy statement must contain actions.")
    resources, not_resource = _either(raw, "Resource")
    principals, not_principal = _either(raw, "Principal")
    sid = raw.get("Sid")
    return Statement(
        index=index,
        sid=sid if isinstance(sid, str) else None,
        allow=raw["Effect"] == "Allow",
        actions=_actions(actions),
        not_action=not_action,
        resources=None if resources is None else _resources(resources, variables),
        not_resource=not_resource,
        principals=None if principals is None else _principals(principals),
        not_principal=not_principal,
        conditions=_conditions(raw.get("Condition"), variables),
    )


@lru_cache(maxsize=4096)
def parse(text: str) -> Document:
    """The document's statements; MalformedPolicyDocument when it is not a policy."""
    try:
        raw = json.loads(text)
    except ValueError:
        raise MalformedPolicyDocument(message="This policy contains invalid Json") from None
    if not isinstance(raw, dict) or set(raw) - _TOP_KEYS or "Statement" not in raw:
        raise MalformedPolicyDocument(message=SYNTAX)
    version = raw.get("Version")
    if version is not None and version not in VERSIONS:
        raise MalformedPolicyDocument(message="The policy failed legacy parsing")
    # Policy variables exist only from the 2012-10-17 language version on.
    variables = version == "2012-10-17"
    body = raw["Statement"]
    items = body if isinstance(body, list) else [body]
    if not items:
        raise MalformedPolicyDocument(message=SYNTAX)
    return Document(version, tuple(_statement(i, s, variables) for i, s in enumerate(items)))


def validate_policy(text: str, kind: PolicyKind = "identity") -> None:
    """Raise MalformedPolicyDocument as IAM does for an identity, resource or trust policy."""
    for stmt in parse(text).statements:
        _check_kind(stmt, kind)


def _check_kind(stmt: Statement, kind: PolicyKind) -> None:
    has_principal = stmt.principals is not None
    if kind == "identity" and has_principal:
        raise MalformedPolicyDocument(message="Policy document should not specify a principal.")
    if kind == "identity" and stmt.resources is None:
        raise MalformedPolicyDocument(message="Policy statement must contain resources.")
    if kind != "identity" and not has_principal:
        raise MalformedPolicyDocument(message="Missing required field Principal")
    if kind == "trust" and stmt.resources is not None:
        raise MalformedPolicyDocument(message="Has prohibited field Resource")
    if kind == "resource" and stmt.resources is None:
        raise MalformedPolicyDocument(message="Policy statement must contain resources.")
