"""IAM group operations."""

from __future__ import annotations

from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.services.iam import changes, entities, groups
from sagelab.services.iam.entity_api import EntityApi
from sagelab.services.iam.paging import listing, page
from sagelab.services.iam.user_api import listed_user
from sagelab.store.tables import iam_groups, iam_users


def group_out(row: Any) -> dict[str, Any]:
    return {
        "Path": row.path,
        "GroupName": row.group_name,
        "GroupId": row.group_id,
        "Arn": row.arn,
        "CreateDate": row.created_at,
    }


class GroupApi(EntityApi):
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
        return {"Group": group_out(group), **listing("Users", [listed_user(r) for r in rows], nxt)}

    def list_groups(
        self,
        ctx: RequestContext,
        *,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        return self._list_entities(
            ctx, "group", "Groups", group_out, path_prefix, marker, max_items
        )

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
        return self._rename_entity(ctx, "group", group_name, new_group_name, new_path)

    def delete_group(self, ctx: RequestContext, *, group_name: str) -> dict[str, Any]:
        return self._delete_entity(ctx, "group", group_name)

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
