"""IAM group operations."""

from __future__ import annotations

from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.services.base import ServiceApi
from sagelab.services.iam import changes, deletion, entities, groups, users
from sagelab.services.iam.paging import listing, page
from sagelab.services.iam.user_api import user_out
from sagelab.store.tables import iam_groups, iam_users


def group_out(row: Any) -> dict[str, Any]:
    return {
        "Path": row.path,
        "GroupName": row.group_name,
        "GroupId": row.group_id,
        "Arn": row.arn,
        "CreateDate": row.created_at,
    }


class GroupApi(ServiceApi):
    def create_group(
        self, ctx: RequestContext, *, group_name: str, path: str | None = None
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            return {
                "Group": group_out(groups.create(conn, ctx.account_id, group_name, path or "/"))
            }

    def get_group(
        self,
        ctx: RequestContext,
        *,
        group_name: str,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            group = entities.get(conn, "group", ctx.account_id, group_name)
            query = groups.members_query(ctx.account_id, group.name_key)
            rows, nxt = page(conn, query, iam_users.c.name_key, marker, max_items)
        members = [user_out(users.from_row(r), full=False) for r in rows]
        return {"Group": group_out(group), **listing("Users", members, nxt)}

    def list_groups(
        self,
        ctx: RequestContext,
        *,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        query = entities.in_account("group", ctx.account_id, path_prefix)
        with self.deps.meta.connect() as conn:
            rows, nxt = page(conn, query, iam_groups.c.name_key, marker, max_items)
        return listing("Groups", [group_out(r) for r in rows], nxt)

    def list_groups_for_user(
        self,
        ctx: RequestContext,
        *,
        user_name: str,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            user = entities.get(conn, "user", ctx.account_id, user_name)
            query = groups.of_user_query(ctx.account_id, user.name_key)
            rows, nxt = page(conn, query, iam_groups.c.name_key, marker, max_items)
        return listing("Groups", [group_out(r) for r in rows], nxt)

    def update_group(
        self,
        ctx: RequestContext,
        *,
        group_name: str,
        new_path: str | None = None,
        new_group_name: str | None = None,
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            entities.rename(conn, "group", ctx.account_id, group_name, new_group_name, new_path)
        return {}

    def delete_group(self, ctx: RequestContext, *, group_name: str) -> dict[str, Any]:
        account = ctx.account_id
        with changes.write(self.deps.meta) as conn:
            key = entities.get(conn, "group", account, group_name).name_key
            deletion.check(conn, account, "group", key)
            entities.remove(conn, "group", account, group_name)
        return {}

    def add_user_to_group(
        self, ctx: RequestContext, *, group_name: str, user_name: str
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            groups.add_user(conn, ctx.account_id, group_name, user_name)
        return {}

    def remove_user_from_group(
        self, ctx: RequestContext, *, group_name: str, user_name: str
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            groups.remove_user(conn, ctx.account_id, group_name, user_name)
        return {}
