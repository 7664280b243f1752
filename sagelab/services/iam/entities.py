"""What users, groups and roles share: rows keyed by (account, lower-cased name), and AWS's
words for a name that is missing or taken."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import Connection, Row, Table, delete, select, update

from sagelab import arns
from sagelab.services.iam.errors import EntityAlreadyExists, NoSuchEntity
from sagelab.store import tables

EntityKind = Literal["user", "group", "role"]

TABLES: dict[EntityKind, Table] = {
    "user": tables.iam_users,
    "group": tables.iam_groups,
    "role": tables.iam_roles,
}


def find(conn: Connection, kind: EntityKind, account: str, name: str) -> Row[Any] | None:
    table = TABLES[kind]
    return conn.execute(
        select(table).where(table.c.account_id == account, table.c.name_key == name.lower())
    ).first()


def get(conn: Connection, kind: EntityKind, account: str, name: str) -> Row[Any]:
    row = find(conn, kind, account, name)
    if row is None:
        raise NoSuchEntity(message=f"The {kind} with name {name} cannot be found.")
    return row


def ensure_absent(conn: Connection, kind: EntityKind, account: str, name: str) -> None:
    if find(conn, kind, account, name) is not None:
        raise EntityAlreadyExists(message=f"{kind.capitalize()} with name {name} already exists.")


def remove(conn: Connection, kind: EntityKind, account: str, name: str) -> None:
    table = TABLES[kind]
    conn.execute(
        delete(table).where(table.c.account_id == account, table.c.name_key == name.lower())
    )


def in_account(kind: EntityKind, account: str, path_prefix: str | None) -> Any:
    """The rows of one account under a path prefix, for a List* page."""
    table = TABLES[kind]
    return select(table).where(
        table.c.account_id == account,
        table.c.path.startswith(path_prefix or "/", autoescape=True),
    )


_NAME_COLUMN: dict[EntityKind, str] = {
    "user": "user_name",
    "group": "group_name",
    "role": "role_name",
}
_ARN = {"user": arns.iam_user, "group": arns.iam_group, "role": arns.iam_role}
# Tables that refer to an entity by its name key, and the column that holds it.
_REFERENCES: dict[EntityKind, list[tuple[Table, str]]] = {
    "user": [
        (tables.iam_group_members, "user_key"),
        (tables.iam_access_keys, "user_key"),
        (tables.iam_login_profiles, "user_key"),
    ],
    "group": [(tables.iam_group_members, "group_key")],
    "role": [],
}


def rename(
    conn: Connection,
    kind: EntityKind,
    account: str,
    name: str,
    new_name: str | None,
    new_path: str | None,
) -> None:
    """UpdateUser/UpdateGroup: a new name and/or path, carried to everything that refers to it."""
    row = get(conn, kind, account, name)
    old_key = row.name_key
    final_name = new_name or getattr(row, _NAME_COLUMN[kind])
    if final_name.lower() != old_key:
        ensure_absent(conn, kind, account, final_name)
    final_path = new_path or row.path
    table = TABLES[kind]
    conn.execute(
        update(table)
        .where(table.c.account_id == account, table.c.name_key == old_key)
        .values(
            {
                "name_key": final_name.lower(),
                _NAME_COLUMN[kind]: final_name,
                "path": final_path,
                "arn": _ARN[kind](account, final_name, final_path),
            }
        )
    )
    _rekey(conn, kind, account, old_key, final_name.lower())


def _rekey(conn: Connection, kind: EntityKind, account: str, old: str, new: str) -> None:
    for table, column in _REFERENCES[kind]:
        conn.execute(
            update(table)
            .where(table.c.account_id == account, table.c[column] == old)
            .values({column: new})
        )
    for table in (tables.iam_inline_policies, tables.iam_attachments):
        conn.execute(
            update(table)
            .where(
                table.c.account_id == account,
                table.c.entity_kind == kind,
                table.c.entity_key == old,
            )
            .values(entity_key=new)
        )
