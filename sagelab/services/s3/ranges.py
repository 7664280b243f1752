"""The single byte range of a GET: `bytes=a-b`, `bytes=a-`, `bytes=-n`.

S3 ignores a header it cannot parse (and multi-range requests), answering the whole object,
and refuses with 416 a well-formed range that lies outside the object.
"""

from __future__ import annotations

import re

from sagelab.services.s3.errors import InvalidRange

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def resolve(header: str | None, size: int) -> tuple[int, int] | None:
    """`(first, last)` inclusive, or None for the whole object."""
    match = _RANGE.fullmatch((header or "").strip())
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first_text, last_text = match.groups()
    if first_text == "":
        return _suffix(int(last_text), size, header or "")
    first = int(first_text)
    if last_text != "" and int(last_text) < first:
        return None
    if first >= size:
        raise InvalidRange(header or "", size)
    last = size - 1 if last_text == "" else min(int(last_text), size - 1)
    return first, last


def _suffix(length: int, size: int, header: str) -> tuple[int, int]:
    if length == 0 or size == 0:
        raise InvalidRange(header, size)
    return max(size - length, 0), size - 1


def content_range(first: int, last: int, size: int) -> str:
    return f"bytes {first}-{last}/{size}"
