"""The policy document of a browser POST upload (S3's "Creating a POST policy"): when it
expires, and which form fields it admits. Every form field but the signature's own must be
named by a condition, and every condition must hold; a malformed document is a 400, a form
it does not admit a 403.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sagelab.gateway.errors import AccessDenied, ServiceError

# Fields a policy need not name: the file, the policy and its signature, and any field the
# form marks as ignored.
_UNCONDITIONED = frozenset({"file", "policy", "x-amz-signature", "signature", "awsaccesskeyid"})
_IGNORED_PREFIX = "x-ignore-"
_EXPIRATION = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z")
_OPERATORS = ("eq", "starts-with")


@dataclass(frozen=True)
class Condition:
    operator: str  # "eq" or "starts-with"
    field: str  # the form field's name, in lower case
    value: str
    written: str  # as the policy writes it, for the error message


@dataclass(frozen=True)
class PostPolicy:
    expiration: datetime
    conditions: tuple[Condition, ...]
    length_range: tuple[int, int] | None  # content-length-range, bytes, inclusive


def invalid(detail: str) -> ServiceError:
    return ServiceError("InvalidPolicyDocument", f"Invalid Policy: {detail}", 400)


def refused(detail: str) -> AccessDenied:
    return AccessDenied(message=f"Invalid according to Policy: {detail}")


def decode(encoded: str) -> PostPolicy:
    try:
        document = json.loads(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError) as bad:
        raise invalid("Invalid JSON.") from bad
    if not isinstance(document, dict):
        raise invalid("Invalid JSON.")
    if "expiration" not in document:
        raise invalid("Policy missing expiration.")
    if "conditions" not in document:
        raise invalid("Policy missing conditions.")
    conditions = document["conditions"]
    if not isinstance(conditions, list):
        raise invalid("Invalid 'conditions' value: must be a list.")
    parsed: list[Condition] = []
    length_range: tuple[int, int] | None = None
    for entry in conditions:
        if isinstance(entry, list) and entry and str(entry[0]).lower() == "content-length-range":
            length_range = _length_range(entry)
        else:
            parsed.append(_condition(entry))
    return PostPolicy(_expiration(document["expiration"]), tuple(parsed), length_range)


def _expiration(value: Any) -> datetime:
    if not isinstance(value, str) or not _EXPIRATION.fullmatch(value):
        raise invalid(f"Invalid 'expiration' value: '{value}'")
    whole = value.split(".", 1)[0].rstrip("Z")
    return datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)


def _condition(entry: Any) -> Condition:
    written = json.dumps(entry)
    if isinstance(entry, dict) and len(entry) == 1:
        ((name, value),) = entry.items()
        if isinstance(value, str):
            return Condition("eq", str(name).lower(), value, written)
    elif isinstance(entry, list) and len(entry) == 3:
        operator, name, value = entry
        if (
            isinstance(operator, str)
            and operator.lower() in _OPERATORS
            and isinstance(name, str)
            and name.startswith("$")
            and isinstance(value, str)
        ):
            return Condition(operator.lower(), name[1:].lower(), value, written)
    raise invalid(f"Invalid Condition: {written}")


def _length_range(entry: list[Any]) -> tuple[int, int]:
    bounds = entry[1:]
    if len(bounds) != 2 or not all(_is_size(b) for b in bounds) or bounds[0] > bounds[1]:
        raise invalid(f"Invalid 'content-length-range' condition: {json.dumps(entry)}")
    return int(bounds[0]), int(bounds[1])


def _is_size(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def check(policy: PostPolicy, fields: Mapping[str, str], now: datetime) -> None:
    """Raise AccessDenied unless the policy is current and admits exactly `fields` (names in
    lower case; `bucket` is the bucket posted to)."""
    if now >= policy.expiration:
        raise refused("Policy expired.")
    for condition in policy.conditions:
        if not _holds(condition, fields.get(condition.field)):
            raise refused(f"Policy Condition failed: {condition.written}")
    named = {c.field for c in policy.conditions}
    extra = [
        name
        for name in fields
        if name not in named and name not in _UNCONDITIONED and not name.startswith(_IGNORED_PREFIX)
    ]
    if extra:
        raise refused(f"Extra input fields: {', '.join(extra)}")


def _holds(condition: Condition, value: str | None) -> bool:
    if value is None:
        return False
    if condition.operator == "eq":
        return value == condition.value
    if condition.field == "content-type":
        # A form may name several types, comma-separated: each must match.
        return all(part.strip().startswith(condition.value) for part in value.split(","))
    return value.startswith(condition.value)
