"""What a service's `authz.py` declares for one request, and how a refusal is worded.

A `Check` is one action on one resource (a request may need several: CopyObject reads the
source and writes the destination); `Denial` is the service's error code and status for
AccessDenied, which the protocols spell differently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from sagelab.gateway.context import Principal, RequestContext
from sagelab.gateway.errors import AccessDenied
from sagelab.services.iam.evaluate import Decision, Verdict
from sagelab.services.iam.patterns import ContextValue

HolderKind = Literal["bucket", "role"]

_DENY_PLACES = {
    "identity": "an identity-based policy",
    "resource": "a resource-based policy",
    "session": "a session policy",
}
_ALLOW_KINDS = {"identity": "identity-based", "resource": "identity-based", "session": "session"}


@dataclass(frozen=True)
class Check:
    action: str
    resource: str = "*"
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    # The resource whose own policy also applies: a bucket's policy, a role's trust policy.
    holder: tuple[HolderKind, str] | None = None


@dataclass(frozen=True)
class Denial:
    code: str
    status: int
    quote_resource: bool = False  # S3 puts the ARN in double quotes

    def error(self, principal: Principal, check: Check, verdict: Verdict) -> AccessDenied:
        return AccessDenied(self.code, self.message(principal, check, verdict), self.status)

    def message(self, principal: Principal, check: Check, verdict: Verdict) -> str:
        if principal.kind == "anonymous":
            return "Access Denied"
        action = check.action
        on = ""
        if check.resource != "*":
            resource = f'"{check.resource}"' if self.quote_resource else check.resource
            on = f" on resource: {resource}"
        if verdict.decision is Decision.EXPLICIT_DENY:
            why = f" with an explicit deny in {_DENY_PLACES[verdict.denied_by or 'identity']}"
        else:
            why = f" because no {_ALLOW_KINDS[verdict.missing]} policy allows the {action} action"
        return f"User: {principal.arn} is not authorized to perform: {action}{on}{why}"


QUERY_DENIAL = Denial("AccessDenied", 403)  # IAM, STS, CloudWatch
JSON_DENIAL = Denial("AccessDeniedException", 400)  # SageMaker, Logs


class ServiceRules(Protocol):
    """What each `sagelab/services/<svc>/authz.py` module provides."""

    DENIAL: Denial

    def checks(
        self, ctx: RequestContext, operation: str, params: dict[str, Any]
    ) -> list[Check]: ...


def request_tag_keys(tags: list[dict[str, str]] | dict[str, str] | None) -> dict[str, ContextValue]:
    """`aws:RequestTag/<key>` and `aws:TagKeys` for the tags a request attaches (a list of
    `{Key, Value}` or a map, as the service's model has it)."""
    if not tags:
        return {}
    pairs = tags.items() if isinstance(tags, dict) else ((t["Key"], t["Value"]) for t in tags)
    keys: dict[str, ContextValue] = {}
    names: list[str] = []
    for key, value in pairs:
        keys[f"aws:RequestTag/{key}"] = value
        names.append(key)
    keys["aws:TagKeys"] = names
    return keys
