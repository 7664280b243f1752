"""The runtime stories reuse the hosting stories' fixtures (a role, a bucket, a trained
Linear Learner model) and kits."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_TESTS = Path(__file__).parents[1]
sys.path[:0] = [str(_TESTS / "training"), str(_TESTS / "hosting")]

_spec = importlib.util.spec_from_file_location(
    "hosting_conftest", _TESTS / "hosting" / "conftest.py"
)
assert _spec is not None and _spec.loader is not None
_hosting = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_hosting)

hosting_role = _hosting.hosting_role
hosting_bucket = _hosting.hosting_bucket
model_data = _hosting.model_data
