"""What the user, group and role operations share: their List* pages, renaming, deleting, and
the PermissionsBoundary member of their Get answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.services.base import ServiceApi
from sagelab.services.iam import changes, deletion, entities, sessions
from sagelab.services.iam.entities import EntityKind
from sagelab.services.iam.paging import listing, page


def boundary_out(arn: str | None) -> dict[str, Any]:
    """The PermissionsBoundary member of a user or role, or nothing when it has none."""
    if not arn:
        return {}
    return {
        "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}
    }


class EntityApi(ServiceApi):
    def _list_entities(
        self,
        ctx: RequestContext,
        kind: EntityKind,
        member: str,
        out: Callable[[Any], dict[str, Any]],
        path_prefix: str | None,
        marker: str | None,
        max_items: int | None,
    ) -> dict[str, Any]:
        """ListUsers/ListGroups/ListRoles: `out` shows one row."""
        query = entities.in_account(kind, ctx.account_id, path_prefix)
        with self.deps.meta.connect() as conn:
            rows, nxt = page(conn, query, entities.TABLES[kind].c.name_key, marker, max_items)
        return listing(member, [out(r) for r in rows], nxt)

    def _rename_entity(
        self,
        ctx: RequestContext,
        kind: EntityKind,
        name: str,
        new_name: str | None,
        new_path: str | None,
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            entities.rename(conn, kind, ctx.account_id, name, new_name, new_path)
        return {}

    def _delete_entity(self, ctx: RequestContext, kind: EntityKind, name: str) -> dict[str, Any]:
        account = ctx.account_id
        with changes.write(self.deps.meta) as conn:
            row = entities.get(conn, kind, account, name)
            deletion.check(conn, account, kind, row.name_key)
            entities.remove(conn, kind, account, name)
            # Sessions a user or role signed end with it; nobody signs in as a group.
            if kind != "group":
                sessions.end_all(conn, account, getattr(row, f"{kind}_id"))
        return {}
