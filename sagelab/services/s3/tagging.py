"""Object tags: at most 10, keys up to 128 and values up to 256 characters, keys unique."""

from __future__ import annotations

from sqlalchemy import Connection, update

from sagelab.services.s3 import objects
from sagelab.services.s3.errors import InvalidTag
from sagelab.store.tables import objects as objects_table

MAX_TAGS = 10


def validate(pairs: list[tuple[str, str]]) -> dict[str, str]:
    if len(pairs) > MAX_TAGS:
        raise InvalidTag(message="Object tags cannot be greater than 10")
    for key, value in pairs:
        if not 1 <= len(key) <= 128:
            raise InvalidTag(message="The TagKey you have provided is invalid")
        if len(value) > 256:
            raise InvalidTag(message="The TagValue you have provided is invalid")
    tags = dict(pairs)
    if len(tags) != len(pairs):
        raise InvalidTag(message="Cannot provide multiple Tags with the same key")
    return tags


def from_tag_set(tag_set: list[dict[str, str]]) -> dict[str, str]:
    return validate([(t["Key"], t.get("Value", "")) for t in tag_set])


def to_tag_set(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def replace_tags(
    conn: Connection, bucket: str, key: str, version_id: str | None, tags: dict[str, str]
) -> str:
    """Set a version's tags (its bytes and Last-Modified unchanged); the version id."""
    obj = objects.head(conn, bucket, key, version_id)
    conn.execute(
        update(objects_table)
        .where(
            objects_table.c.bucket == bucket,
            objects_table.c.key == key,
            objects_table.c.version_id == obj.version_id,
        )
        .values(tags=tags)
    )
    return obj.version_id
