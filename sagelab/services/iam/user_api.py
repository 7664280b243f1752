"""IAM user operations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sagelab import arns
from sagelab.gateway.context import RequestContext
from sagelab.services.base import ServiceApi
from sagelab.services.iam import changes, deletion, entities, sessions, tagging, users
from sagelab.services.iam.errors import IamValidationError
from sagelab.services.iam.paging import cut, listing, page
from sagelab.services.sts.api import caller
from sagelab.store.tables import accounts, iam_users


def user_out(user: users.User, *, full: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.user_id,
        "Arn": user.arn,
        "CreateDate": user.created_at,
    }
    if full and user.permissions_boundary:
        out["PermissionsBoundary"] = {
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": user.permissions_boundary,
        }
    if full and user.tags:
        out["Tags"] = user.tags
    return out


class UserApi(ServiceApi):
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
        query = entities.in_account("user", ctx.account_id, path_prefix)
        with self.deps.meta.connect() as conn:
            rows, nxt = page(conn, query, iam_users.c.name_key, marker, max_items)
        return listing("Users", [user_out(users.from_row(r), full=False) for r in rows], nxt)

    def update_user(
        self,
        ctx: RequestContext,
        *,
        user_name: str,
        new_path: str | None = None,
        new_user_name: str | None = None,
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            entities.rename(conn, "user", ctx.account_id, user_name, new_user_name, new_path)
        return {}

    def delete_user(self, ctx: RequestContext, *, user_name: str) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            user = users.get(conn, ctx.account_id, user_name)
            deletion.check(conn, ctx.account_id, "user", user.name.lower())
            entities.remove(conn, "user", ctx.account_id, user_name)
            sessions.end_all(conn, ctx.account_id, user.user_id)
        return {}

    def tag_user(
        self, ctx: RequestContext, *, user_name: str, tags: list[dict[str, str]]
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            tagging.tag(conn, "user", ctx.account_id, user_name, tags)
        return {}

    def untag_user(
        self, ctx: RequestContext, *, user_name: str, tag_keys: list[str]
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            tagging.untag(conn, "user", ctx.account_id, user_name, tag_keys)
        return {}

    def list_user_tags(
        self,
        ctx: RequestContext,
        *,
        user_name: str,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            tags = tagging.tags_of(conn, "user", ctx.account_id, user_name)
        return listing("Tags", *cut(tags, marker, max_items))
