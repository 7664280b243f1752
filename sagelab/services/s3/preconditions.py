"""Conditional GET/HEAD (If-Match, If-None-Match, If-(Un)Modified-Since) as S3 decides them.

An entity tag condition, when present, takes precedence over the date beside it (RFC 9110 §13.2.2),
and dates compare at the one-second precision of `Last-Modified`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sagelab.services.s3.errors import NotModified, PreconditionFailed


@dataclass(frozen=True)
class Conditions:
    if_match: str | None = None
    if_none_match: str | None = None
    if_modified_since: datetime | None = None
    if_unmodified_since: datetime | None = None


def etag_matches(header: str, etag: str) -> bool:
    wanted = {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}
    return "*" in wanted or etag.strip('"') in wanted


def check(cond: Conditions, etag: str, last_modified: float) -> None:
    """Raise PreconditionFailed (412) or NotModified (304) when the request says so."""
    modified = int(last_modified)
    if cond.if_match is not None:
        if not etag_matches(cond.if_match, etag):
            raise PreconditionFailed("If-Match")
    elif cond.if_unmodified_since is not None and modified > cond.if_unmodified_since.timestamp():
        raise PreconditionFailed("If-Unmodified-Since")
    if cond.if_none_match is not None:
        if etag_matches(cond.if_none_match, etag):
            raise NotModified()
    elif cond.if_modified_since is not None and modified <= cond.if_modified_since.timestamp():
        raise NotModified()
