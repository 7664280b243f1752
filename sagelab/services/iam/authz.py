"""IAM operations as `iam:<Operation>` on the entity the parameters name (the user, role,
group or policy); calls naming none (ListRoles) act on `*`, GetUser without a name on the
caller."""

from __future__ import annotations

from typing import Any

from sagelab import arns
from sagelab.gateway.context import RequestContext
from sagelab.services.iam.access import QUERY_DENIAL, Check, request_tag_keys
from sagelab.services.iam.patterns import ContextValue

DENIAL = QUERY_DENIAL

# The parameter naming the entity acted on, most specific first, and the ARN kind it names.
_NAMED = (
    ("UserName", "user"),
    ("RoleName", "role"),
    ("GroupName", "group"),
    ("InstanceProfileName", "instance-profile"),
    ("ServerCertificateName", "server-certificate"),
    ("VirtualMFADeviceName", "mfa"),
)
_ON_ONESELF = ("GetUser", "ListAccessKeys", "CreateAccessKey", "ChangePassword")
_ARNS = ("PolicyArn", "PolicySourceArn", "OpenIDConnectProviderArn", "SAMLProviderArn")


def resource_of(ctx: RequestContext, operation: str, params: dict[str, Any]) -> str:
    path = params.get("Path") or "/"
    for member, kind in _NAMED:
        if member in params:
            return str(arns.Arn("aws", "iam", "", ctx.account_id, f"{kind}{path}{params[member]}"))
    for member in _ARNS:
        if member in params:
            return str(params[member])
    if operation == "CreatePolicy":
        return arns.iam_policy(ctx.account_id, params["PolicyName"], path)
    if operation in _ON_ONESELF and ctx.principal:
        return ctx.principal.arn  # acting on oneself
    return "*"


def checks(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[Check]:
    keys: dict[str, ContextValue] = request_tag_keys(params.get("Tags"))
    if "PolicyArn" in params:
        keys["iam:PolicyARN"] = params["PolicyArn"]
    if "PermissionsBoundary" in params:
        keys["iam:PermissionsBoundary"] = params["PermissionsBoundary"]
    return [Check(f"iam:{operation}", resource_of(ctx, operation, params), keys)]
