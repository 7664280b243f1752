"""STS operations."""

from __future__ import annotations

import json
from typing import Any

from sagelab import arns
from sagelab.gateway.context import Principal, RequestContext
from sagelab.gateway.errors import AccessDenied, AuthError
from sagelab.gateway.sigv4 import Credential
from sagelab.services.base import Deps, ServiceApi
from sagelab.services.iam import keyring, principals, roles, sessions
from sagelab.services.iam.errors import IamValidationError, MalformedPolicyDocument
from sagelab.services.sts.trust import trust_allows

# Role chaining (a role session assuming a role) is capped at one hour, as on AWS.
_CHAINED_MAX = 3600
_USER_SESSION = (129600, 43200)  # max and default of GetSessionToken
_ROOT_SESSION_MAX = 3600
_PACKED_POLICY_MAX = 2048


def caller(ctx: RequestContext) -> Principal:
    """The authenticated principal; the gateway lets no anonymous call reach STS or IAM."""
    if ctx.principal is None or ctx.principal.kind == "anonymous":
        raise AuthError("MissingAuthenticationToken", "Request is missing Authentication Token")
    return ctx.principal


def _credentials(cred: Credential) -> dict[str, Any]:
    return {
        "AccessKeyId": cred.access_key_id,
        "SecretAccessKey": cred.secret_access_key,
        "SessionToken": cred.session_token,
        "Expiration": cred.expires_at,
    }


def _check_session_policy(policy: str | None) -> None:
    if policy is None:
        return
    try:
        json.loads(policy)
    except ValueError:
        raise MalformedPolicyDocument(
            message="The policy is not in the valid JSON format."
        ) from None
    if len(policy) > _PACKED_POLICY_MAX:
        raise AuthError(
            "PackedPolicyTooLarge",
            "Packed policy consumes more than the maximum allowed size.",
            400,
        )


class StsApi(ServiceApi):
    service_name = "sts"

    def __init__(self, deps: Deps) -> None:
        super().__init__(deps)
        self.keyring = keyring.attach(deps.meta, deps.settings.secrets_dir)

    def get_caller_identity(self, ctx: RequestContext) -> dict[str, Any]:
        principal = caller(ctx)
        if principal.is_root:
            account = principal.account_id
            return {"UserId": account, "Account": account, "Arn": arns.iam_root(account)}
        return {"UserId": principal.user_id, "Account": principal.account_id, "Arn": principal.arn}

    def assume_role(
        self,
        ctx: RequestContext,
        *,
        role_arn: str,
        role_session_name: str,
        duration_seconds: int | None = None,
        policy: str | None = None,
    ) -> dict[str, Any]:
        principal = caller(ctx)
        _check_session_policy(policy)
        with self.deps.meta.begin() as conn:
            role = roles.find_by_arn(conn, role_arn)
            named = principals.principal_arn(conn, principal)
            if role is None or not trust_allows(role.trust_policy, role_arn, principal, named):
                raise AccessDenied(
                    message=f"User: {principal.arn} is not authorized to perform: "
                    f"sts:AssumeRole on resource: {role_arn}"
                )
            duration = self._role_duration(principal, role, duration_seconds)
            grant = sessions.role_grant(role, ctx.account_id, role_session_name, policy)
            cred = sessions.start(conn, self.keyring, grant, duration)
        return {
            "Credentials": _credentials(cred),
            "AssumedRoleUser": {
                "AssumedRoleId": cred.principal.user_id,
                "Arn": cred.principal.arn,
            },
            "PackedPolicySize": _packed_size(policy),
        }

    @staticmethod
    def _role_duration(principal: Principal, role: roles.Role, requested: int | None) -> int:
        duration = requested or 3600
        if principal.kind == "assumed-role" and duration > _CHAINED_MAX:
            raise IamValidationError(
                message="The requested DurationSeconds exceeds the 1 hour session limit for "
                "roles assumed by role chaining."
            )
        if duration > role.max_session_duration:
            raise IamValidationError(
                message="The requested DurationSeconds exceeds the MaxSessionDuration set for "
                "this role."
            )
        return duration

    def get_session_token(
        self, ctx: RequestContext, *, duration_seconds: int | None = None
    ) -> dict[str, Any]:
        principal = caller(ctx)
        if principal.kind == "assumed-role" or principal.access_key_id.startswith("ASIA"):
            raise AccessDenied(message="Cannot call GetSessionToken with session credentials")
        high, default = _USER_SESSION
        if principal.is_root:
            high = _ROOT_SESSION_MAX
        duration = min(duration_seconds or default, high)
        grant = sessions.caller_grant(principal)
        with self.deps.meta.begin() as conn:
            cred = sessions.start(conn, self.keyring, grant, duration)
        return {"Credentials": _credentials(cred)}

    def get_access_key_info(self, ctx: RequestContext, *, access_key_id: str) -> dict[str, Any]:
        caller(ctx)
        # sagelab hosts one account: every key it could have issued is that account's.
        return {"Account": ctx.account_id}


def _packed_size(policy: str | None) -> int | None:
    """The session policy's share of the packed-policy quota, in percent."""
    if policy is None:
        return None
    return max(1, len(policy) * 100 // _PACKED_POLICY_MAX)
