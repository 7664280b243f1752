"""IAM user operations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sagelab import arns
from sagelab.gateway.context import RequestContext
from sagelab.services.iam import changes, users
from sagelab.services.iam.entity_api import EntityApi, boundary_out
from sagelab.services.iam.errors import IamValidationError
from sagelab.services.sts.api import caller
from sagelab.store.tables import accounts


def user_out(user: users.User, *, full: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.user_id,
        "Arn": user.arn,
        "CreateDate": user.created_at,
    }
    if full:
        out.update(boundary_out(user.permissions_boundary))
        if user.tags:
            out["Tags"] = user.tags
    return out


def listed_user(row: Any) -> dict[str, Any]:
    """A user as List* operations show it: without boundary and tags."""
    return user_out(users.from_row(row), full=False)


class UserApi(EntityApi):
    def create_user(
        self,
        ctx: RequestContext,
        *,
        user_name: str,
        path: str | None = None,
        permissions_boundary: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            user = users.create(
                conn,
                ctx.account_id,
                user_name,
                path=path or "/",
                permissions_boundary=permissions_boundary,
                tags=tags,
            )
        return {"User": user_out(user)}

    def get_user(self, ctx: RequestContext, *, user_name: str | None = None) -> dict[str, Any]:
        if user_name is None:
            return {"User": self._calling_user(ctx)}
        with self.deps.meta.connect() as conn:
            return {"User": user_out(users.get(conn, ctx.account_id, user_name))}

    def _calling_user(self, ctx: RequestContext) -> dict[str, Any]:
        principal = caller(ctx)
        if principal.kind == "user":
            with self.deps.meta.connect() as conn:
                return user_out(users.get(conn, principal.account_id, principal.name))
        if not principal.is_root:
            raise IamValidationError(
                message="Must specify userName when calling with non-User credentials"
            )
        with self.deps.meta.connect() as conn:
            created = conn.execute(
                select(accounts.c.created_at).where(accounts.c.account_id == ctx.account_id)
            ).scalar()
        account = principal.account_id
        return {"UserId": account, "Arn": arns.iam_root(account), "CreateDate": created or 0.0}

    def list_users(
        self,
        ctx: RequestContext,
        *,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        return self._list_entities(
            ctx, "user", "Users", listed_user, path_prefix, marker, max_items
        )

    def update_user(
        self,
        ctx: RequestContext,
        *,
        user_name: str,
        new_path: str | None = None,
        new_user_name: str | None = None,
    ) -> dict[str, Any]:
        return self._rename_entity(ctx, "user", user_name, new_user_name, new_path)

    def delete_user(self, ctx: RequestContext, *, user_name: str) -> dict[str, Any]:
        return self._delete_entity(ctx, "user", user_name)
