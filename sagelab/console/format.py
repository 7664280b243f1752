"""Jinja filters: how the console writes times, sizes, statuses and documents."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

_GOOD = {"InService", "Completed", "Active", "Available", "Enabled", "Succeeded", "Ready"}
_BAD = {"Failed", "Inactive", "Error", "Stopped with error", "OutOfService"}
_IDLE = {"Stopped", "Disabled", "Suspended", "Deleted"}


def when(value: Any) -> str:
    """A timestamp as the console shows it, in UTC; blank for none."""
    if value is None or value == "":
        return "-"
    if isinstance(value, int | float):
        value = dt.datetime.fromtimestamp(value, dt.UTC)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return str(value.astimezone(dt.UTC).strftime("%b %d, %Y %H:%M:%S UTC"))
    return str(value)


def status_tone(status: Any) -> str:
    """The badge colour class for a resource status."""
    text = str(status or "")
    if text in _GOOD:
        return "good"
    if text in _BAD:
        return "bad"
    if text in _IDLE:
        return "idle"
    return "busy"


def size(value: Any) -> str:
    number = float(value or 0)
    for unit in ("B", "KB", "MB", "GB"):
        if number < 1024 or unit == "GB":
            return f"{number:.0f} {unit}" if unit == "B" else f"{number:.1f} {unit}"
        number /= 1024
    return f"{number:.1f} GB"


def pretty_json(value: Any) -> str:
    """Policy documents arrive as JSON text (sometimes URL-encoded) or as a structure."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return str(value)
    return json.dumps(value, indent=2, sort_keys=False)


def seconds(value: Any) -> str:
    total = int(float(value or 0))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"


FILTERS: dict[str, Callable[[Any], str]] = {
    "when": when,
    "tone": status_tone,
    "size": size,
    "pretty_json": pretty_json,
    "seconds": seconds,
}
