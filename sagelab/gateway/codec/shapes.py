"""Scalars on the wire, converted by shape type; shared by every codec.

Text protocols (query params, XML, headers) carry every scalar as a string; JSON carries
numbers and booleans natively but timestamps and blobs still need converting. A value that
does not fit its shape is the sender's fault: a `ValidationError` naming where it was found.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email.utils
import math
from typing import Any

from botocore.model import Shape

from sagelab.gateway.errors import ValidationError

ISO8601 = "iso8601"
UNIX = "unixTimestamp"
RFC822 = "rfc822"

_INTEGERS = ("integer", "long", "byte", "short")
_FLOATS = ("float", "double")
_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def type_error(value: Any, path: str, expected: str) -> ValidationError:
    """The error for a value whose wire type does not match its shape."""
    shown = str(value)
    if len(shown) > 64:
        shown = shown[:61] + "..."
    return ValidationError(
        message=(
            f"1 validation error detected: Value '{shown}' at '{path}' failed to satisfy "
            f"constraint: Member must be of type {expected}"
        )
    )


def timestamp_format(shape: Shape, default: str) -> str:
    fmt: str = shape.serialization.get("timestampFormat", default)
    return fmt


def _canonical_format(fmt: str) -> str:
    # Models spell it `unixTimestamp`; botocore itself compares lower-cased.
    return {f.lower(): f for f in (ISO8601, UNIX, RFC822)}.get(fmt.lower(), ISO8601)


def serialized_name(member: Shape, default: str) -> str:
    """The name a structure member goes by in query params and XML: its `locationName`,
    except that a flattened list goes by its item's `locationName` (botocore's rule)."""
    if member.type_name == "list" and member.serialization.get("flattened"):
        item_name = member.member.serialization.get("name")
        if item_name:
            return str(item_name)
    return str(member.serialization.get("name", default))


# -- timestamps -------------------------------------------------------------------------------


def parse_timestamp(value: Any, fmt: str = ISO8601, path: str = "") -> dt.datetime:
    """An aware UTC datetime from epoch seconds (number or numeric text), ISO 8601 or
    RFC 822 text. `fmt` is the format expected; the others are accepted as botocore's own
    parser accepts them."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise type_error(value, path, "timestamp")
    try:
        if isinstance(value, int | float):
            return _from_epoch(float(value))
        return _parse_timestamp_text(value.strip(), _canonical_format(fmt))
    except (ValueError, OverflowError, OSError) as exc:
        raise type_error(value, path, "timestamp") from exc


def _from_epoch(seconds: float) -> dt.datetime:
    if not math.isfinite(seconds):
        raise ValueError("not a finite epoch")
    # Whole microseconds, rounded once: fromtimestamp's float arithmetic drifts by 1 µs.
    micros = round(seconds * 1_000_000)
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=micros)


def _parse_timestamp_text(text: str, fmt: str) -> dt.datetime:
    if _looks_numeric(text):
        return _from_epoch(float(text))
    parsers = (_parse_rfc822, _parse_iso8601)
    for parser in parsers if fmt == RFC822 else reversed(parsers):
        try:
            return parser(text)
        except (ValueError, TypeError):
            continue
    raise ValueError(f"not a timestamp: {text!r}")


def _parse_rfc822(text: str) -> dt.datetime:
    return _aware(email.utils.parsedate_to_datetime(text))


def _parse_iso8601(text: str) -> dt.datetime:
    return _aware(dt.datetime.fromisoformat(text))


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def format_timestamp(value: dt.datetime | float | int, fmt: str = ISO8601) -> str | float | int:
    """The wire form of a timestamp: ISO 8601 text (`Z`, milliseconds when there are any),
    epoch seconds (an int when whole), or RFC 822 text. Naive datetimes are taken as UTC."""
    when = _aware(value) if isinstance(value, dt.datetime) else _from_epoch(float(value))
    fmt = _canonical_format(fmt)
    if fmt == UNIX:
        seconds = int((when - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds() // 1)
        if when.microsecond == 0:
            return seconds
        return (seconds * 1_000_000 + when.microsecond) / 1_000_000
    if fmt == RFC822:
        return email.utils.format_datetime(when.replace(microsecond=0), usegmt=True)
    return _iso8601(when)


def _iso8601(when: dt.datetime) -> str:
    # strftime does not pad years before 1000, which ISO 8601 readers refuse.
    base = f"{when.year:04d}-{when:%m-%dT%H:%M:%S}"
    micros = when.microsecond
    if micros == 0:
        return base + "Z"
    if micros % 1000 == 0:
        return f"{base}.{micros // 1000:03d}Z"
    return f"{base}.{micros:06d}Z"


# -- blobs ------------------------------------------------------------------------------------


def parse_blob(value: Any, path: str = "") -> bytes:
    """Bytes from base64 text."""
    if not isinstance(value, str):
        raise type_error(value, path, "blob")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise type_error(value, path, "base64-encoded blob") from exc


def format_blob(value: bytes | bytearray | str) -> str:
    """Base64 text of a blob (str is taken as UTF-8)."""
    raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    return base64.b64encode(raw).decode("ascii")


# -- text protocols ---------------------------------------------------------------------------


def parse_text_scalar(shape: Shape, text: str, path: str, ts_default: str = ISO8601) -> Any:
    """A scalar from its text form (query param, XML text, header)."""
    kind = shape.type_name
    if kind == "boolean":
        return _parse_bool_text(text, path)
    if kind in _INTEGERS:
        return _parse_int_text(text, path)
    if kind in _FLOATS:
        return _parse_float_text(text, path)
    if kind == "timestamp":
        return parse_timestamp(text, timestamp_format(shape, ts_default), path)
    if kind == "blob":
        return parse_blob(text, path)
    return text


def _parse_bool_text(text: str, path: str) -> bool:
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        raise type_error(text, path, "boolean")
    return lowered == "true"


def _parse_int_text(text: str, path: str) -> int:
    try:
        return int(text.strip())
    except ValueError as exc:
        raise type_error(text, path, "integer") from exc


def _parse_float_text(text: str, path: str) -> float:
    stripped = text.strip()
    if stripped in _NON_FINITE:
        return _NON_FINITE[stripped]
    try:
        return float(stripped)
    except ValueError as exc:
        raise type_error(text, path, "number") from exc


def format_text_scalar(shape: Shape, value: Any, ts_default: str = ISO8601) -> str:
    """The text form of a scalar, as botocore's XML and header parsers read it."""
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind in _INTEGERS:
        return str(int(value))
    if kind in _FLOATS:
        return format_float(value)
    if kind == "timestamp":
        return str(format_timestamp(value, timestamp_format(shape, ts_default)))
    if kind == "blob":
        return format_blob(value)
    return str(value)


def format_float(value: float) -> str:
    """`repr` round-trips exactly; NaN and the infinities as AWS spells them."""
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    return repr(number)


# -- JSON -------------------------------------------------------------------------------------


def parse_json_scalar(shape: Shape, value: Any, path: str) -> Any:
    """A scalar from its decoded-JSON form, checked against the shape's type."""
    kind = shape.type_name
    if kind == "timestamp":
        return parse_timestamp(value, timestamp_format(shape, UNIX), path)
    if kind == "blob":
        return parse_blob(value, path)
    if kind in _FLOATS and isinstance(value, str):
        return _parse_float_text(value, path) if value in _NON_FINITE else _bad(value, path, kind)
    expected = _JSON_TYPES.get(kind, str)
    if isinstance(value, bool) != (kind == "boolean") or not isinstance(value, expected):
        _bad(value, path, kind)
    return float(value) if kind in _FLOATS else value


_JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "boolean": bool,
    **{kind: int for kind in _INTEGERS},
    **{kind: (int, float) for kind in _FLOATS},
}


def _bad(value: Any, path: str, kind: str) -> Any:
    raise type_error(value, path, kind)


def format_json_scalar(shape: Shape, value: Any) -> Any:
    """A scalar as JSON carries it (timestamps as epoch seconds unless the shape says not)."""
    kind = shape.type_name
    if kind == "timestamp":
        return format_timestamp(value, timestamp_format(shape, UNIX))
    if kind == "blob":
        return format_blob(value)
    if kind in _FLOATS:
        number = float(value)
        return number if math.isfinite(number) else format_float(number)
    if kind in _INTEGERS:
        return int(value)
    return value


# Document bodies (JSON, forms) are parsed whole; no API takes more than this in one.
MAX_DOCUMENT_BODY = 16 * 1024 * 1024
