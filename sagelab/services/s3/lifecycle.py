"""Lifecycle rules: what S3 accepts, and when a rule makes an object due. Pure; the sweep
that applies them is `lifecycle_sweep.py`.

Like S3, an expiry by `Days` falls at the first midnight UTC at least that many days after the
object was written (or became noncurrent); an expiry by `Date` at that midnight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sagelab.gateway.codec.rest_xml import malformed_xml
from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.s3.config_errors import invalid_argument, invalid_request

SECTION = "lifecycle"
DAY = 86400.0
MAX_RULES = 1000
MAX_ID = 255
_ACTIONS = ("Expiration", "NoncurrentVersionExpiration", "AbortIncompleteMultipartUpload")
_UNBUILT = ("Transitions", "NoncurrentVersionTransitions")


@dataclass(frozen=True)
class Selector:
    """Which objects a rule's filter names."""

    prefix: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    larger_than: int | None = None
    smaller_than: int | None = None

    def matches(self, key: str, tags: dict[str, str], size: int) -> bool:
        return (
            key.startswith(self.prefix)
            and all(tags.get(k) == v for k, v in self.tags.items())
            and (self.larger_than is None or size > self.larger_than)
            and (self.smaller_than is None or size < self.smaller_than)
        )


def check_rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rules in their stored form (dates as ISO text), or S3's error for the first fault."""
    if len(rules) > MAX_RULES:
        raise malformed_xml()
    ids = [r["ID"] for r in rules if r.get("ID")]
    if len(ids) != len(set(ids)):
        raise invalid_argument("Rule ID must be unique. Found same ID for more than one rule")
    for rule in rules:
        _check_rule(rule)
    return [_stored(rule) for rule in rules]


def _check_rule(rule: dict[str, Any]) -> None:
    for name in _UNBUILT:
        if rule.get(name):
            raise NotImplementedByUs(
                message=f"The {name} lifecycle action is not implemented by sagelab"
            )
    if len(rule.get("ID", "")) > MAX_ID:
        raise invalid_argument(f"ID length should not exceed allowed limit of {MAX_ID}")
    if ("Filter" in rule) == ("Prefix" in rule):
        raise malformed_xml()  # exactly one of the two says which objects the rule covers
    if not any(rule.get(a) for a in _ACTIONS):
        raise invalid_request("At least one action needs to be specified in a rule")
    _check_expiration(rule.get("Expiration"))
    _positive(
        rule.get("NoncurrentVersionExpiration"), "NoncurrentDays", "NoncurrentVersionExpiration"
    )
    _positive(
        rule.get("AbortIncompleteMultipartUpload"),
        "DaysAfterInitiation",
        "AbortIncompleteMultipartUpload",
    )


def _check_expiration(expiration: dict[str, Any] | None) -> None:
    if not expiration:
        return
    given = [k for k in ("Days", "Date", "ExpiredObjectDeleteMarker") if k in expiration]
    if len(given) != 1:
        raise malformed_xml()
    _positive(expiration, "Days", "Expiration")
    date = expiration.get("Date")
    if date is not None and _as_datetime(date).timestamp() % DAY:
        raise invalid_argument("'Date' must be at midnight GMT")


def _positive(action: dict[str, Any] | None, name: str, action_name: str) -> None:
    if action and name in action and action[name] <= 0:
        raise invalid_argument(f"'{name}' for {action_name} action must be a positive integer")


def _stored(rule: dict[str, Any]) -> dict[str, Any]:
    expiration = rule.get("Expiration")
    if expiration and "Date" in expiration:
        date = _as_datetime(expiration["Date"]).isoformat()
        return rule | {"Expiration": expiration | {"Date": date}}
    return rule


def wire(rule: dict[str, Any]) -> dict[str, Any]:
    """A stored rule as GetBucketLifecycleConfiguration answers it."""
    expiration = rule.get("Expiration")
    if expiration and "Date" in expiration:
        return rule | {"Expiration": expiration | {"Date": _as_datetime(expiration["Date"])}}
    return rule


def _as_datetime(value: datetime | str) -> datetime:
    date = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return date if date.tzinfo else date.replace(tzinfo=UTC)


def selector(rule: dict[str, Any]) -> Selector:
    if "Prefix" in rule:  # the deprecated rule-level prefix
        return Selector(prefix=rule["Prefix"] or "")
    flt = rule.get("Filter") or {}
    both = flt.get("And") or flt
    tags = both.get("Tags") or ([flt["Tag"]] if "Tag" in flt else [])
    return Selector(
        prefix=both.get("Prefix") or "",
        tags={t["Key"]: t["Value"] for t in tags},
        larger_than=both.get("ObjectSizeGreaterThan"),
        smaller_than=both.get("ObjectSizeLessThan"),
    )


def after_days(since: float, days: int) -> float:
    """The first midnight UTC at least `days` days after `since` (epoch seconds)."""
    return math.ceil((since + days * DAY) / DAY) * DAY


def current_expiry(rule: dict[str, Any], written: float) -> float | None:
    """When the current version written at `written` expires under `rule`, if ever."""
    expiration = rule.get("Expiration") or {}
    if "Days" in expiration:
        return after_days(written, expiration["Days"])
    if "Date" in expiration:
        return _as_datetime(expiration["Date"]).timestamp()
    return None


def enabled(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rules if r.get("Status") == "Enabled"]
