"""Key listings (ListObjects, ListObjectsV2, ListObjectVersions, ListMultipartUploads) as
index range scans over (bucket, key): a prefix becomes a key range, and a common prefix is
skipped over by seeking past it, so a page costs the same in a bucket of any size.

Keys compare in code-point order, which is also the byte order of their UTF-8 form: the order
S3 lists in, and SQLite's BINARY collation.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from sagelab.services.s3.errors import InvalidArgument

DEFAULT_MAX_KEYS = 1000
_MAX_CHAR = 0x10FFFF
_SURROGATES = range(0xD800, 0xE000)


@dataclass(frozen=True)
class Cursor:
    """Where a scan resumes: keys after `key` (or from it, when `inclusive`). `within` lets a
    listing of several rows per key (versions, uploads) resume among one key's rows: rows
    carry it as their `within` column, and the fetch knows its order."""

    key: str
    inclusive: bool = False
    within: Any = None


# fetch(cursor, upper bound or None, n) -> up to n rows, each with `.key`, in listing order.
Fetch = Callable[[Cursor, str | None, int], Sequence[Any]]


@dataclass
class Page:
    rows: list[Any] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    # The last row or common prefix returned, in listing order: where the next page starts.
    last: Any = None


def successor(prefix: str) -> str | None:
    """The least string greater than every string starting with `prefix`; None if none."""
    stripped = prefix.rstrip(chr(_MAX_CHAR))
    if not stripped:
        return None
    code = ord(stripped[-1]) + 1
    if code in _SURROGATES:
        code = _SURROGATES.stop  # surrogates cannot be stored as UTF-8
    return stripped[:-1] + chr(code)


def common_prefix(key: str, prefix: str, delimiter: str | None) -> str | None:
    if not delimiter:
        return None
    at = key.find(delimiter, len(prefix))
    return None if at < 0 else key[: at + len(delimiter)]


def scan(
    fetch: Fetch, *, prefix: str, delimiter: str | None, start: Cursor | None, limit: int
) -> Page:
    """Up to `limit` rows and common prefixes (together) after `start`."""
    page = Page()
    if limit <= 0:
        return page
    cursor = _first_cursor(prefix, start)
    upper = successor(prefix) if prefix else None
    grouping = _Grouping(prefix, delimiter, start)
    taken: list[Any] = []  # rows and prefixes, in order
    while len(taken) <= limit:
        wanted = limit + 1 - len(taken)
        rows = fetch(cursor, upper, wanted)
        following = _take(rows, taken, grouping, limit)
        if following is _END or len(rows) < wanted:
            break
        cursor = following or Cursor(rows[-1].key, within=getattr(rows[-1], "within", None))
    page.truncated = len(taken) > limit
    for item in taken[:limit]:
        (page.prefixes if isinstance(item, str) else page.rows).append(item)
    page.last = taken[limit - 1] if page.truncated else None
    return page


def _first_cursor(prefix: str, start: Cursor | None) -> Cursor:
    if start is None or start.key < prefix:
        return Cursor(prefix, inclusive=True)
    return start


@dataclass(frozen=True)
class _Grouping:
    prefix: str
    delimiter: str | None
    start: Cursor | None

    def group(self, key: str) -> str | None:
        return common_prefix(key, self.prefix, self.delimiter)

    def seen(self, group: str) -> bool:
        """A common prefix the previous page ended on (its marker) is not listed again."""
        return self.start is not None and self.start.key == group


_END = Cursor("", inclusive=True)


def _take(rows: Sequence[Any], taken: list[Any], grouping: _Grouping, limit: int) -> Cursor | None:
    """Append rows (or their common prefixes) to `taken`. Returns `_END` once the page is
    full, the cursor past the common prefix the batch ended in, or None (after the last row)."""
    group: str | None = None
    for row in rows:
        if group is not None and row.key.startswith(group):
            continue  # rolled up into the common prefix already taken
        group = grouping.group(row.key)
        if group is None:
            taken.append(row)
        elif not grouping.seen(group):
            taken.append(group)
        if len(taken) > limit:
            return _END
    if group is None:
        return None
    after = successor(group)
    return _END if after is None else Cursor(after, inclusive=True)


def encode_token(position: str) -> str:
    return base64.urlsafe_b64encode(position.encode("utf-8")).decode("ascii")


def decode_token(token: str) -> str:
    """The position an opaque continuation token stands for."""
    try:
        return base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise InvalidArgument(
            "The continuation token provided is incorrect", "continuation-token", token
        ) from exc


def max_keys(value: int | None) -> int:
    if value is None:
        return DEFAULT_MAX_KEYS
    if value < 0:
        raise InvalidArgument(
            "Argument maxKeys must be an integer between 0 and 2147483647", "maxKeys", str(value)
        )
    return min(value, DEFAULT_MAX_KEYS)


def encoder(encoding_type: str | None) -> Callable[[str], str]:
    """How keys and prefixes appear in the response: as they are, or URL-encoded."""
    if encoding_type is None:
        return str
    if encoding_type != "url":
        raise InvalidArgument(
            "Invalid Encoding Method specified in Request", "encoding-type", encoding_type
        )
    return lambda text: quote(text, safe="/")
