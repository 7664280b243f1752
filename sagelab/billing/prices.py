"""AWS's public on-demand prices, shipped as dated data (`prices.json`, copied for estimation).
A region the data lacks is priced as us-east-1; an instance type it lacks has no price."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("prices.json")
FALLBACK_REGION = "us-east-1"
# usage family → the price list's section for SageMaker instances
_INSTANCE_SECTIONS = {"Notebk": "notebook", "Train": "training", "Host": "hosting"}
_S3_RATES = {
    "TimedStorage-ByteHrs": ("storage_gb_month", 1.0),
    "Requests-Tier1": ("tier1_per_1000", 1000.0),
    "Requests-Tier2": ("tier2_per_1000", 1000.0),
}


@cache
def price_list() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text())
    return data


def _region(region: str) -> dict[str, Any]:
    regions: dict[str, Any] = price_list()["regions"]
    found: dict[str, Any] = regions.get(region) or regions[FALLBACK_REGION]
    return found


def region_code(region: str) -> str:
    code = price_list()["regions"].get(region, {}).get("code")
    return str(code) if code else region.upper().replace("-", "")


def rate(region: str, family: str, instance_type: str | None = None) -> float | None:
    """USD per unit of the usage type (instance-hour, GB-month, request)."""
    prices = _region(region)
    if family in _INSTANCE_SECTIONS:
        found = prices["sagemaker"][_INSTANCE_SECTIONS[family]].get(instance_type)
        return None if found is None else float(found)
    key, per = _S3_RATES[family]
    return float(prices["s3"][key]) / per
