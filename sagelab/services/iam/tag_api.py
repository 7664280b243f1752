"""Tags of users and roles (IAM groups take none). Each operation exists once per kind of
entity on the wire; here each is one line over a shared implementation."""

from __future__ import annotations

from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.services.base import ServiceApi
from sagelab.services.iam import changes, tagging
from sagelab.services.iam.entities import EntityKind
from sagelab.services.iam.paging import cut, listing


class TagApi(ServiceApi):
    def _tag(
        self, ctx: RequestContext, kind: EntityKind, name: str, tags: list[dict[str, str]]
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            tagging.tag(conn, kind, ctx.account_id, name, tags)
        return {}

    def _untag(
        self, ctx: RequestContext, kind: EntityKind, name: str, keys: list[str]
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            tagging.untag(conn, kind, ctx.account_id, name, keys)
        return {}

    def _tags(
        self,
        ctx: RequestContext,
        kind: EntityKind,
        name: str,
        marker: str | None,
        max_items: int | None,
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            tags = tagging.tags_of(conn, kind, ctx.account_id, name)
        return listing("Tags", *cut(tags, marker, max_items))

    def tag_user(
        self, ctx: RequestContext, *, user_name: str, tags: list[dict[str, str]]
    ) -> dict[str, Any]:
        return self._tag(ctx, "user", user_name, tags)

    def tag_role(
        self, ctx: RequestContext, *, role_name: str, tags: list[dict[str, str]]
    ) -> dict[str, Any]:
        return self._tag(ctx, "role", role_name, tags)

    def untag_user(
        self, ctx: RequestContext, *, user_name: str, tag_keys: list[str]
    ) -> dict[str, Any]:
        return self._untag(ctx, "user", user_name, tag_keys)

    def untag_role(
        self, ctx: RequestContext, *, role_name: str, tag_keys: list[str]
    ) -> dict[str, Any]:
        return self._untag(ctx, "role", role_name, tag_keys)

    def list_user_tags(
        self,
        ctx: RequestContext,
        *,
        user_name: str,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        return self._tags(ctx, "user", user_name, marker, max_items)

    def list_role_tags(
        self,
        ctx: RequestContext,
        *,
        role_name: str,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        return self._tags(ctx, "role", role_name, marker, max_items)
