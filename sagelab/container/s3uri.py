"""`s3://bucket/key` strings."""

from __future__ import annotations


def split(uri: str) -> tuple[str, str]:
    """(bucket, key) of an `s3://` or `https://` S3 URI."""
    rest = uri.split("://", 1)[1]
    bucket, _, key = rest.partition("/")
    return bucket, key


def join(prefix: str, *parts: str) -> str:
    return "/".join([prefix.rstrip("/"), *(p.strip("/") for p in parts)])
