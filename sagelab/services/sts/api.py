"""STS operations."""

from __future__ import annotations

from typing import Any

from sagelab import arns
from sagelab.gateway.context import Principal, RequestContext
from sagelab.gateway.errors import AuthError
from sagelab.services.base import ServiceApi


def caller(ctx: RequestContext) -> Principal:
    """The authenticated principal; the gateway lets no anonymous call reach STS or IAM."""
    if ctx.principal is None or ctx.principal.kind == "anonymous":
        raise AuthError("MissingAuthenticationToken", "Request is missing Authentication Token")
    return ctx.principal


class StsApi(ServiceApi):
    service_name = "sts"

    def get_caller_identity(self, ctx: RequestContext) -> dict[str, Any]:
        principal = caller(ctx)
        if principal.is_root:
            account = principal.account_id
            return {"UserId": account, "Account": account, "Arn": arns.iam_root(account)}
        return {"UserId": principal.user_id, "Account": principal.account_id, "Arn": principal.arn}
