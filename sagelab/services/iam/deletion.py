"""AWS refuses to delete a user, group or role that still holds anything, naming the first
thing to remove (DeleteConflict)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection

from sagelab.services.iam import (
    access_keys,
    attachments,
    groups,
    inline,
    login_profiles,
    principals,
)
from sagelab.services.iam.entities import EntityKind
from sagelab.services.iam.errors import DeleteConflict


def _holdings(
    conn: Connection, account: str, kind: EntityKind, key: str
) -> Iterator[tuple[bool, str]]:
    if kind == "user":
        yield login_profiles.exists(conn, account, key), "must delete login profile first"
        yield bool(access_keys.of_user(conn, account, key)), "must delete access keys first"
        yield bool(principals.group_keys(conn, account, key)), "must remove user from all groups"
    if kind == "group":
        yield groups.has_members(conn, account, key), "must remove users from group first"
    yield bool(attachments.arns_of(conn, account, kind, key)), "must detach all policies first"
    yield bool(inline.count(conn, account, kind, key)), "must delete policies first"


def check(conn: Connection, account: str, kind: EntityKind, key: str) -> None:
    for held, what in _holdings(conn, account, kind, key):
        if held:
            raise DeleteConflict(message=f"Cannot delete entity, {what}.")
