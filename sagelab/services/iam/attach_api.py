"""Policies of users, groups and roles: attached managed policies and inline ones. Each
operation exists once per kind of entity on the wire; here each is one line over a shared
implementation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from sagelab.gateway.context import RequestContext
from sagelab.services.base import ServiceApi
from sagelab.services.iam import attachments, changes, entities, inline, policies
from sagelab.services.iam.documents import validate_policy
from sagelab.services.iam.entities import EntityKind
from sagelab.services.iam.errors import NoSuchEntity
from sagelab.services.iam.paging import cut, listing

_NAME_FIELD: dict[EntityKind, str] = {"user": "UserName", "group": "GroupName", "role": "RoleName"}
_ENTITY_LIST: dict[str, tuple[EntityKind, str, str, str]] = {
    "User": ("user", "PolicyUsers", "UserName", "UserId"),
    "Group": ("group", "PolicyGroups", "GroupName", "GroupId"),
    "Role": ("role", "PolicyRoles", "RoleName", "RoleId"),
}


def _policy_entities(
    conn: Connection,
    account: str,
    arn: str,
    entity_filter: str | None,
    path_prefix: str | None,
) -> list[tuple[str, dict[str, str]]]:
    """(output member, item) for each entity the policy is attached to, users first."""
    holders = attachments.holders(conn, account, arn)
    found: list[tuple[str, dict[str, str]]] = []
    for prefix, (kind, member, name_field, id_field) in _ENTITY_LIST.items():
        if entity_filter not in (None, prefix):
            continue
        keys = sorted(key for held_kind, key in holders if held_kind == kind)
        rows = [entities.find(conn, kind, account, key) for key in keys]
        found += [
            (member, {name_field: getattr(r, f"{kind}_name"), id_field: getattr(r, f"{kind}_id")})
            for r in rows
            if r is not None and r.path.startswith(path_prefix or "/")
        ]
    return found


class AttachApi(ServiceApi):
    # --- managed policies attached ------------------------------------------------------

    def _attach(self, ctx: RequestContext, kind: EntityKind, name: str, arn: str) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            key = entities.get(conn, kind, ctx.account_id, name).name_key
            policies.get(conn, ctx.account_id, arn)
            attachments.attach(conn, ctx.account_id, kind, key, arn)
        return {}

    def _detach(self, ctx: RequestContext, kind: EntityKind, name: str, arn: str) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            key = entities.get(conn, kind, ctx.account_id, name).name_key
            if not attachments.detach(conn, ctx.account_id, kind, key, arn):
                raise NoSuchEntity(message=f"Policy {arn} was not found.")
        return {}

    def _attached(
        self,
        ctx: RequestContext,
        kind: EntityKind,
        name: str,
        path_prefix: str | None,
        marker: str | None,
        max_items: int | None,
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            key = entities.get(conn, kind, ctx.account_id, name).name_key
            found = [
                policies.get(conn, ctx.account_id, arn)
                for arn in attachments.arns_of(conn, ctx.account_id, kind, key)
            ]
        items = [
            {"PolicyName": p.name, "PolicyArn": p.arn}
            for p in found
            if p.path.startswith(path_prefix or "/")
        ]
        return listing("AttachedPolicies", *cut(items, marker, max_items))

    def attach_user_policy(
        self, ctx: RequestContext, *, user_name: str, policy_arn: str
    ) -> dict[str, Any]:
        return self._attach(ctx, "user", user_name, policy_arn)

    def attach_group_policy(
        self, ctx: RequestContext, *, group_name: str, policy_arn: str
    ) -> dict[str, Any]:
        return self._attach(ctx, "group", group_name, policy_arn)

    def attach_role_policy(
        self, ctx: RequestContext, *, role_name: str, policy_arn: str
    ) -> dict[str, Any]:
        return self._attach(ctx, "role", role_name, policy_arn)

    def detach_user_policy(
        self, ctx: RequestContext, *, user_name: str, policy_arn: str
    ) -> dict[str, Any]:
        return self._detach(ctx, "user", user_name, policy_arn)

    def detach_group_policy(
        self, ctx: RequestContext, *, group_name: str, policy_arn: str
    ) -> dict[str, Any]:
        return self._detach(ctx, "group", group_name, policy_arn)

    def detach_role_policy(
        self, ctx: RequestContext, *, role_name: str, policy_arn: str
    ) -> dict[str, Any]:
        return self._detach(ctx, "role", role_name, policy_arn)

    def list_attached_user_policies(
        self,
        ctx: RequestContext,
        *,
        user_name: str,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        return self._attached(ctx, "user", user_name, path_prefix, marker, max_items)

    def list_attached_group_policies(
        self,
        ctx: RequestContext,
        *,
        group_name: str,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        return self._attached(ctx, "group", group_name, path_prefix, marker, max_items)

    def list_attached_role_policies(
        self,
        ctx: RequestContext,
        *,
        role_name: str,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        return self._attached(ctx, "role", role_name, path_prefix, marker, max_items)

    def list_entities_for_policy(
        self,
        ctx: RequestContext,
        *,
        policy_arn: str,
        entity_filter: str | None = None,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            policies.get(conn, ctx.account_id, policy_arn)
            found = _policy_entities(conn, ctx.account_id, policy_arn, entity_filter, path_prefix)
        # One page spans the three lists: the users first, then the groups, then the roles.
        shown, nxt = cut(found, marker, max_items)
        out = listing("PolicyUsers", [], nxt)
        out.update(PolicyGroups=[], PolicyRoles=[])
        for member, item in shown:
            out[member].append(item)
        return out

    # --- inline policies -----------------------------------------------------------------

    def _put(
        self, ctx: RequestContext, kind: EntityKind, name: str, policy: str, document: str
    ) -> dict[str, Any]:
        validate_policy(document)
        with changes.write(self.deps.meta) as conn:
            inline.put(conn, ctx.account_id, kind, name, policy, document)
        return {}

    def _get(self, ctx: RequestContext, kind: EntityKind, name: str, policy: str) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            row, found = inline.get(conn, ctx.account_id, kind, name, policy)
        return {
            _NAME_FIELD[kind]: getattr(row, f"{kind}_name"),
            "PolicyName": found.policy_name,
            "PolicyDocument": found.document,
        }

    def _names(
        self,
        ctx: RequestContext,
        kind: EntityKind,
        name: str,
        marker: str | None,
        max_items: int | None,
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            found = inline.names(conn, ctx.account_id, kind, name)
        return listing("PolicyNames", *cut(found, marker, max_items))

    def _delete(
        self, ctx: RequestContext, kind: EntityKind, name: str, policy: str
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            inline.remove(conn, ctx.account_id, kind, name, policy)
        return {}

    def put_user_policy(
        self, ctx: RequestContext, *, user_name: str, policy_name: str, policy_document: str
    ) -> dict[str, Any]:
        return self._put(ctx, "user", user_name, policy_name, policy_document)

    def put_group_policy(
        self, ctx: RequestContext, *, group_name: str, policy_name: str, policy_document: str
    ) -> dict[str, Any]:
        return self._put(ctx, "group", group_name, policy_name, policy_document)

    def put_role_policy(
        self, ctx: RequestContext, *, role_name: str, policy_name: str, policy_document: str
    ) -> dict[str, Any]:
        return self._put(ctx, "role", role_name, policy_name, policy_document)

    def get_user_policy(
        self, ctx: RequestContext, *, user_name: str, policy_name: str
    ) -> dict[str, Any]:
        return self._get(ctx, "user", user_name, policy_name)

    def get_group_policy(
        self, ctx: RequestContext, *, group_name: str, policy_name: str
    ) -> dict[str, Any]:
        return self._get(ctx, "group", group_name, policy_name)

    def get_role_policy(
        self, ctx: RequestContext, *, role_name: str, policy_name: str
    ) -> dict[str, Any]:
        return self._get(ctx, "role", role_name, policy_name)

    def list_user_policies(
        self,
        ctx: RequestContext,
        *,
        user_name: str,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        return self._names(ctx, "user", user_name, marker, max_items)

    def list_group_policies(
        self,
        ctx: RequestContext,
        *,
        group_name: str,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        return self._names(ctx, "group", group_name, marker, max_items)

    def list_role_policies(
        self,
        ctx: RequestContext,
        *,
        role_name: str,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        return self._names(ctx, "role", role_name, marker, max_items)

    def delete_user_policy(
        self, ctx: RequestContext, *, user_name: str, policy_name: str
    ) -> dict[str, Any]:
        return self._delete(ctx, "user", user_name, policy_name)

    def delete_group_policy(
        self, ctx: RequestContext, *, group_name: str, policy_name: str
    ) -> dict[str, Any]:
        return self._delete(ctx, "group", group_name, policy_name)

    def delete_role_policy(
        self, ctx: RequestContext, *, role_name: str, policy_name: str
    ) -> dict[str, Any]:
        return self._delete(ctx, "role", role_name, policy_name)
