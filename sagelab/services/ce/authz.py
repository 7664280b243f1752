"""Cost Explorer operations as `ce:<Operation>` on `*`. Root's "IAM user access to billing"
switch is checked by the api itself (it needs the account's settings, not a policy)."""

from __future__ import annotations

from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.services.iam.access import JSON_DENIAL, Check

DENIAL = JSON_DENIAL


def checks(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[Check]:
    return [Check(f"ce:{operation}")]
