"""IAM role operations."""

from __future__ import annotations

from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.services.iam import changes, roles
from sagelab.services.iam.documents import validate_policy
from sagelab.services.iam.entity_api import EntityApi, boundary_out
from sagelab.services.iam.paging import listing


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
        out.update(boundary_out(role.permissions_boundary))
        if role.tags:
            out["Tags"] = role.tags
        out["RoleLastUsed"] = {}
    return out


def _listed_role(row: Any) -> dict[str, Any]:
    """A role as ListRoles shows it: without boundary, tags and last use."""
    return role_out(roles.from_row(row), full=False)


class RoleApi(EntityApi):
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
        return self._list_entities(
            ctx, "role", "Roles", _listed_role, path_prefix, marker, max_items
        )

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
        return self._delete_entity(ctx, "role", role_name)

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
