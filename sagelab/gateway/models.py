"""botocore's service models, the spec for every codec, loaded once and patched.

Patches live in `model_patches.json` beside this file: `{service: {"shapes": {name: {...}}}}`,
merged into the raw model before botocore builds its `ServiceModel`. Each patch has a test.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import botocore.loaders
import botocore.model

PATCHES = Path(__file__).with_name("model_patches.json")

# botocore service name -> protocol name used in our codec table.
SERVICES = ("s3", "iam", "sts", "sagemaker", "sagemaker-runtime", "logs", "cloudwatch", "ce")


@cache
def _loader() -> botocore.loaders.Loader:
    return botocore.loaders.create_loader()


@cache
def _patches() -> dict[str, Any]:
    if not PATCHES.exists():
        return {}
    data: dict[str, Any] = json.loads(PATCHES.read_text())
    return data


def _merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


@cache
def service_model(name: str) -> botocore.model.ServiceModel:
    raw: dict[str, Any] = _loader().load_service_model(name, "service-2")
    raw = json.loads(json.dumps(raw))  # our own copy: patches must not leak into botocore's cache
    _merge(raw, _patches().get(name, {}))
    return botocore.model.ServiceModel(raw, service_name=name)


def protocol(model: botocore.model.ServiceModel) -> str:
    """The protocol botocore itself would speak (json preferred when several are listed)."""
    protocols: list[str] = model.metadata.get("protocols") or [model.metadata["protocol"]]
    for preferred in ("json", "rest-json", "rest-xml", "query"):
        if preferred in protocols:
            return preferred
    return protocols[0]
