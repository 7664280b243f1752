"""STS operations as IAM actions. AssumeRole acts on the role, whose trust policy is the
resource policy of the request (a trust policy naming the caller grants on its own; one naming
the account leaves it to the caller's policies). GetCallerIdentity needs no permission."""

from __future__ import annotations

from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.services.iam.access import QUERY_DENIAL, Check

DENIAL = QUERY_DENIAL
_UNCHECKED = frozenset({"GetCallerIdentity"})


def checks(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[Check]:
    if operation in _UNCHECKED:
        return []
    role = params.get("RoleArn")
    if role is None:
        return [Check(f"sts:{operation}")]
    return [Check(f"sts:{operation}", role, holder=("role", role))]
