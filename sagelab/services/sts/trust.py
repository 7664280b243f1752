"""Does a role's trust policy let this caller assume it? The one place STS asks the policy
evaluator (the caller's own identity policies were checked by the gateway's authorizer)."""

from __future__ import annotations

from sagelab.gateway.context import Principal
from sagelab.services.iam import evaluate


def trust_allows(trust_policy: str, role_arn: str, caller: Principal, principal_arn: str) -> bool:
    """`principal_arn` is the caller's ARN as policies name it: a role session's is its
    role's ARN (`aws:PrincipalArn`)."""
    facts = evaluate.RequestFacts(
        action="sts:AssumeRole",
        resources=(role_arn,),
        principal_arn=caller.arn,
        account_id=caller.account_id,
        context={"aws:PrincipalArn": principal_arn, "aws:PrincipalAccount": caller.account_id},
    )
    return evaluate.trust_allows(trust_policy, {"AWS": caller.arn}, facts)
