"""Passing an execution role to SageMaker (CreateTrainingJob, CreateModel,
CreateNotebookInstance, CreateTransformJob): the caller needs `iam:PassRole` on the role for
`sagemaker.amazonaws.com`, and the role must trust that service."""

from __future__ import annotations

from sagelab import arns
from sagelab.gateway.context import RequestContext
from sagelab.services.base import Deps
from sagelab.services.iam.access import JSON_DENIAL, Check
from sagelab.services.iam.authorizer import enforce
from sagelab.services.iam.evaluate import RequestFacts, trust_allows
from sagelab.services.iam.principals import role_trust_policy
from sagelab.services.sagemaker.errors import SageMakerValidation

SERVICE = "sagemaker.amazonaws.com"


def check_pass_role(deps: Deps, ctx: RequestContext, role_arn: str) -> None:
    """AccessDeniedException without PassRole (root callers hold it); ValidationException
    "Could not assume role" when the role is missing or does not trust SageMaker."""
    check = Check("iam:PassRole", role_arn, {"iam:passedtoservice": SERVICE})
    enforce(deps.meta, ctx, [check], JSON_DENIAL)
    if not _trusts_sagemaker(deps, role_arn):
        raise SageMakerValidation(
            message=f"Could not assume role {role_arn}. Please ensure that the role exists and "
            f"allows principal '{SERVICE}' to assume the role."
        )


def _trusts_sagemaker(deps: Deps, role_arn: str) -> bool:
    arn = arns.try_parse(role_arn)
    if arn is None or arn.service != "iam" or arn.resource_type != "role":
        return False
    with deps.meta.connect() as conn:
        trust = role_trust_policy(conn, arn.account, arn.name)
    if trust is None:
        return False
    facts = RequestFacts("sts:AssumeRole", (role_arn,), SERVICE, arn.account)
    return trust_allows(trust, {"Service": SERVICE}, facts)
