"""AWS-managed policies, shipped as data in `managed/` (one JSON file each, as AWS publishes
the policy's default version)."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any


@cache
def _by_arn() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for entry in resources.files("sagelab.services.iam").joinpath("managed").iterdir():
        if entry.name.endswith(".json"):
            policy = json.loads(entry.read_text())
            found[policy["Arn"]] = policy
    return found


def find(arn: str) -> dict[str, Any] | None:
    return _by_arn().get(arn)


def all_policies() -> list[dict[str, Any]]:
    return sorted(_by_arn().values(), key=lambda p: p["PolicyName"].lower())


@cache
def document(arn: str) -> str:
    return json.dumps(_by_arn()[arn]["Document"], indent=4)


def timestamp(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()
