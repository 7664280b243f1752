"""Credentials of IAM users: access keys, console passwords, the account password policy."""

from __future__ import annotations

from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import AccessDenied
from sagelab.services.base import ServiceApi
from sagelab.services.iam import access_keys, changes, login_profiles, password_policy
from sagelab.services.iam.errors import IamValidationError, InvalidUserType
from sagelab.services.iam.keyring import Keyring
from sagelab.services.iam.paging import cut, listing
from sagelab.services.sts.api import caller


class KeyApi(ServiceApi):
    keyring: Keyring

    def _user_name(self, ctx: RequestContext, user_name: str | None) -> str:
        """Key operations without UserName act on the calling user."""
        if user_name is not None:
            return user_name
        principal = caller(ctx)
        if principal.kind != "user":
            raise IamValidationError(
                message="Must specify userName when calling with non-User credentials"
            )
        return principal.name

    def create_access_key(
        self, ctx: RequestContext, *, user_name: str | None = None
    ) -> dict[str, Any]:
        name = self._user_name(ctx, user_name)
        with changes.write(self.deps.meta) as conn:
            key = access_keys.create(conn, self.keyring, ctx.account_id, name)
        return {
            "AccessKey": {
                "UserName": key.user_name,
                "AccessKeyId": key.access_key_id,
                "Status": key.status,
                "SecretAccessKey": key.secret_access_key,
                "CreateDate": key.created_at,
            }
        }

    def list_access_keys(
        self,
        ctx: RequestContext,
        *,
        user_name: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        name = self._user_name(ctx, user_name)
        with self.deps.meta.connect() as conn:
            keys = access_keys.of_user(conn, ctx.account_id, name)
        shown, nxt = cut(keys, marker, max_items)
        items = [
            {
                "UserName": k.user_name,
                "AccessKeyId": k.access_key_id,
                "Status": k.status,
                "CreateDate": k.created_at,
            }
            for k in shown
        ]
        return listing("AccessKeyMetadata", items, nxt)

    def update_access_key(
        self,
        ctx: RequestContext,
        *,
        access_key_id: str,
        status: str,
        user_name: str | None = None,
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            access_keys.set_status(conn, ctx.account_id, access_key_id, status, user_name)
        return {}

    def delete_access_key(
        self, ctx: RequestContext, *, access_key_id: str, user_name: str | None = None
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            access_keys.remove(conn, ctx.account_id, access_key_id, user_name)
        return {}

    def get_access_key_last_used(
        self, ctx: RequestContext, *, access_key_id: str
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            name, used = access_keys.last_used(conn, ctx.account_id, access_key_id)
        return {"UserName": name, "AccessKeyLastUsed": used}

    # --- console passwords ---------------------------------------------------------------

    def create_login_profile(
        self,
        ctx: RequestContext,
        *,
        user_name: str,
        password: str,
        password_reset_required: bool | None = None,
    ) -> dict[str, Any]:
        reset = bool(password_reset_required)
        with changes.write(self.deps.meta) as conn:
            name, created = login_profiles.create(conn, ctx.account_id, user_name, password, reset)
        profile = {"UserName": name, "CreateDate": created, "PasswordResetRequired": reset}
        return {"LoginProfile": profile}

    def get_login_profile(self, ctx: RequestContext, *, user_name: str) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            name, row = login_profiles.get(conn, ctx.account_id, user_name)
        return {
            "LoginProfile": {
                "UserName": name,
                "CreateDate": row.created_at,
                "PasswordResetRequired": row.reset_required,
            }
        }

    def update_login_profile(
        self,
        ctx: RequestContext,
        *,
        user_name: str,
        password: str | None = None,
        password_reset_required: bool | None = None,
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            login_profiles.change(
                conn, ctx.account_id, user_name, password, password_reset_required
            )
        return {}

    def change_password(
        self, ctx: RequestContext, *, old_password: str, new_password: str
    ) -> dict[str, Any]:
        principal = caller(ctx)
        if principal.kind != "user":
            raise InvalidUserType(message="Only IAM users can change their own password.")
        with changes.write(self.deps.meta) as conn:
            key = principal.name.lower()
            if not login_profiles.matches(conn, ctx.account_id, key, old_password):
                raise AccessDenied(message="The old password is incorrect.")
            # A new password clears a required reset, as the console's reset flow expects.
            login_profiles.change(conn, ctx.account_id, principal.name, new_password, False)
        return {}

    def delete_login_profile(self, ctx: RequestContext, *, user_name: str) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            login_profiles.remove(conn, ctx.account_id, user_name)
        return {}

    # --- the account's password policy ---------------------------------------------------

    def update_account_password_policy(
        self,
        ctx: RequestContext,
        *,
        minimum_password_length: int | None = None,
        require_symbols: bool | None = None,
        require_numbers: bool | None = None,
        require_uppercase_characters: bool | None = None,
        require_lowercase_characters: bool | None = None,
        allow_users_to_change_password: bool | None = None,
        max_password_age: int | None = None,
        password_reuse_prevention: int | None = None,
        hard_expiry: bool | None = None,
    ) -> dict[str, Any]:
        values = {
            "MinimumPasswordLength": minimum_password_length,
            "RequireSymbols": require_symbols,
            "RequireNumbers": require_numbers,
            "RequireUppercaseCharacters": require_uppercase_characters,
            "RequireLowercaseCharacters": require_lowercase_characters,
            "AllowUsersToChangePassword": allow_users_to_change_password,
            "MaxPasswordAge": max_password_age,
            "PasswordReusePrevention": password_reuse_prevention,
            "HardExpiry": hard_expiry,
        }
        with changes.write(self.deps.meta) as conn:
            password_policy.put(conn, ctx.account_id, values)
        return {}

    def get_account_password_policy(self, ctx: RequestContext) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            return {"PasswordPolicy": password_policy.get(conn, ctx.account_id)}

    def delete_account_password_policy(self, ctx: RequestContext) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            password_policy.remove(conn, ctx.account_id)
        return {}
