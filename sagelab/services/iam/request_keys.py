"""The global condition keys of a request (`aws:username`, `aws:SourceIp`...), which every
policy may test and use as `${...}` variables."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sagelab.gateway.context import Principal, RequestContext
from sagelab.services.iam.patterns import ContextValue

_PRINCIPAL_TYPES = {"root": "Account", "user": "User", "assumed-role": "AssumedRole"}


def global_keys(
    ctx: RequestContext, principal: Principal, principal_arn: str
) -> dict[str, ContextValue]:
    """`principal_arn` is `aws:PrincipalArn`: the role's ARN for a role session."""
    now = time.time()
    keys: dict[str, ContextValue] = {
        "aws:userid": principal.user_id,
        "aws:principalarn": principal_arn,
        "aws:principalaccount": principal.account_id,
        # One account holds every resource sagelab serves.
        "aws:resourceaccount": principal.account_id,
        "aws:sourceip": ctx.source_ip,
        "aws:currenttime": datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:epochtime": str(int(now)),
        "aws:securetransport": "true" if ctx.secure_transport else "false",
        "aws:requestedregion": ctx.region,
    }
    kind = _PRINCIPAL_TYPES.get(principal.kind)
    if kind is not None:
        keys["aws:principaltype"] = kind
    if principal.kind == "user":
        keys["aws:username"] = principal.name
    return keys
