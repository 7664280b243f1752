"""IAM operations (query protocol)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from sagelab import arns
from sagelab.gateway.context import RequestContext
from sagelab.services.base import ServiceApi
from sagelab.services.iam import users
from sagelab.services.iam.errors import IamValidationError
from sagelab.services.sts.api import caller
from sagelab.store.tables import accounts


def _time(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _user_summary(user: users.User) -> dict[str, Any]:
    return {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.user_id,
        "Arn": user.arn,
        "CreateDate": _time(user.created_at),
    }


def _user_detail(user: users.User) -> dict[str, Any]:
    out = _user_summary(user)
    if user.permissions_boundary:
        out["PermissionsBoundary"] = {
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": user.permissions_boundary,
        }
    if user.tags:
        out["Tags"] = user.tags
    return out


class IamApi(ServiceApi):
    service_name = "iam"

    def create_user(
        self,
        ctx: RequestContext,
        *,
        user_name: str,
        path: str | None = None,
        permissions_boundary: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        with self.deps.meta.begin() as conn:
            user = users.create(
                conn,
                ctx.account_id,
                user_name,
                path=path or "/",
                permissions_boundary=permissions_boundary,
                tags=tags,
            )
        return {"User": _user_detail(user)}

    def get_user(self, ctx: RequestContext, *, user_name: str | None = None) -> dict[str, Any]:
        if user_name is None:
            return {"User": self._calling_user(ctx)}
        with self.deps.meta.connect() as conn:
            return {"User": _user_detail(users.get(conn, ctx.account_id, user_name))}

    def _calling_user(self, ctx: RequestContext) -> dict[str, Any]:
        principal = caller(ctx)
        if principal.kind == "user":
            with self.deps.meta.connect() as conn:
                return _user_detail(users.get(conn, principal.account_id, principal.name))
        if not principal.is_root:
            raise IamValidationError(
                message="Must specify userName when calling with non-User credentials"
            )
        with self.deps.meta.connect() as conn:
            created = conn.execute(
                select(accounts.c.created_at).where(accounts.c.account_id == ctx.account_id)
            ).scalar()
        account = principal.account_id
        return {
            "UserId": account,
            "Arn": arns.iam_root(account),
            "CreateDate": _time(created or 0.0),
        }

    def list_users(
        self,
        ctx: RequestContext,
        *,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            page, next_marker = users.list_page(
                conn,
                ctx.account_id,
                path_prefix=path_prefix or "/",
                marker=marker,
                limit=max_items or 100,
            )
        out: dict[str, Any] = {
            "Users": [_user_summary(u) for u in page],
            "IsTruncated": next_marker is not None,
        }
        if next_marker is not None:
            out["Marker"] = next_marker
        return out

    def delete_user(self, ctx: RequestContext, *, user_name: str) -> dict[str, Any]:
        with self.deps.meta.begin() as conn:
            users.delete_user(conn, ctx.account_id, user_name)
        return {}
