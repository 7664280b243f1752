"""SageMaker Runtime: InvokeEndpoint is `sagemaker:InvokeEndpoint` on the endpoint's ARN."""

from __future__ import annotations

from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.services.iam.access import JSON_DENIAL, Check
from sagelab.services.sagemaker.authz import resource_of

DENIAL = JSON_DENIAL


def checks(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[Check]:
    return [Check(f"sagemaker:{operation}", resource_of(ctx, params))]
