"""Step 5 of the gateway: every request of a non-root principal is evaluated against the
policies that apply to it, as the service's `authz.py` translates the operation into IAM
actions on resource ARNs. A refusal is raised before the service is called, so a denied write
changes nothing. An allowed request also counts as a use of the user's access key."""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel

from sagelab.gateway.context import Principal, RequestContext
from sagelab.gateway.pipeline import Authorizer
from sagelab.services.base import Deps
from sagelab.services.ce import authz as ce_authz
from sagelab.services.cloudwatch import authz as cloudwatch_authz
from sagelab.services.iam import authz as iam_authz
from sagelab.services.iam.access import Check, Denial, ServiceRules
from sagelab.services.iam.evaluate import Decision, RequestFacts, Verdict, judge
from sagelab.services.iam.key_usage import KeyUsage
from sagelab.services.iam.policy_sources import (
    holder_policy,
    identity_of,
    object_tag_keys,
    tests_object_tags,
)
from sagelab.services.iam.request_keys import global_keys
from sagelab.services.logs import authz as logs_authz
from sagelab.services.runtime import authz as runtime_authz
from sagelab.services.s3 import authz as s3_authz
from sagelab.services.sagemaker import authz as sagemaker_authz
from sagelab.services.sts import authz as sts_authz
from sagelab.store.metadata import MetadataStore

RULES: dict[str, ServiceRules] = {
    "s3": s3_authz,
    "iam": iam_authz,
    "sts": sts_authz,
    "sagemaker": sagemaker_authz,
    "sagemaker-runtime": runtime_authz,
    "logs": logs_authz,
    "cloudwatch": cloudwatch_authz,
    "ce": ce_authz,
}


def decide(meta: MetadataStore, ctx: RequestContext, principal: Principal, check: Check) -> Verdict:
    """The verdict on one check for a (non-root) principal."""
    identity = identity_of(meta, principal)
    keys = global_keys(ctx, principal, identity.principal_arn)
    keys.update(check.context)
    holder = holder_policy(meta, check)
    resource_policies = () if holder is None else (holder,)
    if tests_object_tags(identity.policies + resource_policies):
        keys.update(object_tag_keys(meta, check))
    facts = RequestFacts(check.action, (check.resource,), principal.arn, principal.account_id, keys)
    return judge(
        identity.policies,
        facts,
        resource_policies=resource_policies,
        session_policy=identity.session_policy,
    )


def enforce(meta: MetadataStore, ctx: RequestContext, checks: list[Check], denial: Denial) -> None:
    """Raise the service's AccessDenied on the first check that is not allowed."""
    principal = ctx.principal
    if principal is None or principal.is_root:
        return  # root may do anything in its own account; the gateway let no one else through
    for check in checks:
        verdict = decide(meta, ctx, principal, check)
        if verdict.decision is not Decision.ALLOW:
            raise denial.error(principal, check, verdict)


def build_authorizer(deps: Deps) -> Authorizer:
    meta = deps.meta
    usage = KeyUsage(meta)

    def authorize(ctx: RequestContext, op: OperationModel, params: dict[str, Any]) -> None:
        principal = ctx.principal
        if principal is None or principal.is_root:
            return
        rules = RULES[ctx.service]
        enforce(meta, ctx, rules.checks(ctx, op.name, params), rules.DENIAL)
        if principal.kind == "user":  # a long-term key; temporary ones are not tracked
            usage.record(principal.access_key_id, op.service_model.signing_name, ctx.region)

    return authorize
