"""IAM role operations."""

from __future__ import annotations

from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.services.base import ServiceApi
from sagelab.services.iam import changes, deletion, entities, roles, sessions, tagging
from sagelab.services.iam.documents import validate_policy
from sagelab.services.iam.paging import cut, listing, page
from sagelab.store.tables import iam_roles


def role_out(role: roles.Role, *, full: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.role_id,
        "Arn": role.arn,
        "CreateDate": role.created_at,
        "AssumeRolePolicyDocument": role.trust_policy,
        "MaxSessionDuration": role.max_session_duration,
    }
    if role.description is not None:
        out["Description"] = role.description
    if full:
        if role.permissions_boundary:
            out["PermissionsBoundary"] = {
                "PermissionsBoundaryType": "Policy",
                "PermissionsBoundaryArn": role.permissions_boundary,
            }
        if role.tags:
            out["Tags"] = role.tags
        out["RoleLastUsed"] = {}
    return out


class RoleApi(ServiceApi):
    def create_role(
        self,
        ctx: RequestContext,
        *,
        role_name: str,
        assume_role_policy_document: str,
        path: str | None = None,
        description: str | None = None,
        max_session_duration: int | None = None,
        permissions_boundary: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        validate_policy(assume_role_policy_document, "trust")
        with changes.write(self.deps.meta) as conn:
            role = roles.create(
                conn,
                ctx.account_id,
                role_name,
                assume_role_policy_document,
                path=path,
                description=description,
                max_session_duration=max_session_duration,
                permissions_boundary=permissions_boundary,
                tags=tags,
            )
        return {"Role": role_out(role)}

    def get_role(self, ctx: RequestContext, *, role_name: str) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            return {"Role": role_out(roles.get(conn, ctx.account_id, role_name))}

    def list_roles(
        self,
        ctx: RequestContext,
        *,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        query = entities.in_account("role", ctx.account_id, path_prefix)
        with self.deps.meta.connect() as conn:
            rows, nxt = page(conn, query, iam_roles.c.name_key, marker, max_items)
        return listing("Roles", [role_out(roles.from_row(r), full=False) for r in rows], nxt)

    def update_role(
        self,
        ctx: RequestContext,
        *,
        role_name: str,
        description: str | None = None,
        max_session_duration: int | None = None,
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if description is not None:
            values["description"] = description
        if max_session_duration is not None:
            values["max_session_duration"] = max_session_duration
        with changes.write(self.deps.meta) as conn:
            roles.set_fields(conn, ctx.account_id, role_name, **values)
        return {}

    def update_role_description(
        self, ctx: RequestContext, *, role_name: str, description: str
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            roles.set_fields(conn, ctx.account_id, role_name, description=description)
            return {"Role": role_out(roles.get(conn, ctx.account_id, role_name))}

    def update_assume_role_policy(
        self, ctx: RequestContext, *, role_name: str, policy_document: str
    ) -> dict[str, Any]:
        validate_policy(policy_document, "trust")
        with changes.write(self.deps.meta) as conn:
            roles.set_fields(conn, ctx.account_id, role_name, trust_policy=policy_document)
        return {}

    def delete_role(self, ctx: RequestContext, *, role_name: str) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            role = roles.get(conn, ctx.account_id, role_name)
            deletion.check(conn, ctx.account_id, "role", role.name.lower())
            entities.remove(conn, "role", ctx.account_id, role_name)
            sessions.end_all(conn, ctx.account_id, role.role_id)
        return {}

    def list_instance_profiles_for_role(
        self,
        ctx: RequestContext,
        *,
        role_name: str,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            roles.get(conn, ctx.account_id, role_name)
        # sagelab has no EC2, hence no instance profiles.
        return listing("InstanceProfiles", [], None)

    def tag_role(
        self, ctx: RequestContext, *, role_name: str, tags: list[dict[str, str]]
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            tagging.tag(conn, "role", ctx.account_id, role_name, tags)
        return {}

    def untag_role(
        self, ctx: RequestContext, *, role_name: str, tag_keys: list[str]
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            tagging.untag(conn, "role", ctx.account_id, role_name, tag_keys)
        return {}

    def list_role_tags(
        self,
        ctx: RequestContext,
        *,
        role_name: str,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            tags = tagging.tags_of(conn, "role", ctx.account_id, role_name)
        return listing("Tags", *cut(tags, marker, max_items))
