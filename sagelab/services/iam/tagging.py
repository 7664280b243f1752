"""Tags on users and roles: a JSON list of {Key, Value} on the entity's row."""

from __future__ import annotations

from sqlalchemy import Connection, update

from sagelab.services.iam import entities
from sagelab.services.iam.entities import EntityKind
from sagelab.services.iam.errors import LimitExceeded

MAX_TAGS = 50


def _store(
    conn: Connection, kind: EntityKind, account: str, key: str, tags: list[dict[str, str]]
) -> None:
    table = entities.TABLES[kind]
    conn.execute(
        update(table)
        .where(table.c.account_id == account, table.c.name_key == key)
        .values(tags=tags)
    )


def tag(
    conn: Connection, kind: EntityKind, account: str, name: str, new: list[dict[str, str]]
) -> None:
    row = entities.get(conn, kind, account, name)
    merged = {t["Key"]: t["Value"] for t in row.tags or []}
    merged.update({t["Key"]: t.get("Value", "") for t in new})
    if len(merged) > MAX_TAGS:
        raise LimitExceeded(message="The number of tags has reached the maximum limit.")
    _store(conn, kind, account, row.name_key, [{"Key": k, "Value": v} for k, v in merged.items()])


def untag(conn: Connection, kind: EntityKind, account: str, name: str, keys: list[str]) -> None:
    row = entities.get(conn, kind, account, name)
    kept = [t for t in row.tags or [] if t["Key"] not in set(keys)]
    _store(conn, kind, account, row.name_key, kept)


def tags_of(conn: Connection, kind: EntityKind, account: str, name: str) -> list[dict[str, str]]:
    return list(entities.get(conn, kind, account, name).tags or [])
