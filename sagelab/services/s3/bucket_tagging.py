"""Bucket tags: a TagSet replaced whole, checked as S3 checks it."""

from __future__ import annotations

from sagelab.services.s3.config_errors import InvalidTag

MAX_TAGS = 50
MAX_KEY = 128
MAX_VALUE = 256


def check_tag_set(tag_set: list[dict[str, str]]) -> list[dict[str, str]]:
    """The tags as stored ([{"Key", "Value"}] in the caller's order), or InvalidTag."""
    if len(tag_set) > MAX_TAGS:
        raise InvalidTag(f"Bucket tag count cannot be greater than {MAX_TAGS}")
    seen: set[str] = set()
    for tag in tag_set:
        key, value = tag["Key"], tag.get("Value", "")
        _check_one(key, value)
        if key in seen:
            raise InvalidTag("Cannot provide multiple Tags with the same key")
        seen.add(key)
    return [{"Key": t["Key"], "Value": t.get("Value", "")} for t in tag_set]


def _check_one(key: str, value: str) -> None:
    if not key:
        raise InvalidTag("The TagKey you have provided is invalid")
    if len(key) > MAX_KEY:
        raise InvalidTag(f"The TagKey you have provided is too long, max {MAX_KEY}")
    if len(value) > MAX_VALUE:
        raise InvalidTag(f"The TagValue you have provided is too long, max {MAX_VALUE}")
    if key.lower().startswith("aws:"):
        raise InvalidTag("System tags cannot be added/updated by requester")
