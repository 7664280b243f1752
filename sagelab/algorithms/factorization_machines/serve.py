"""Factorization Machines' side of the serving contract (reference/algorithms.md §3.5):
JSON, JSON Lines or RecordIO-protobuf in (no CSV, as the real one), `score` (and
`predicted_label` for binary_classifier) out."""

from __future__ import annotations

from pathlib import Path

from sagelab.algorithms import serving
from sagelab.algorithms.errors import InvocationError
from sagelab.algorithms.factorization_machines.model import FMModel


def load(model_dir: Path) -> FMModel:
    return FMModel.load(model_dir)


def invoke(model: FMModel, body: bytes, content_type: str, accept: str) -> tuple[bytes, str]:
    media = serving.response_type(accept)
    if (content_type or serving.CSV).split(";")[0].strip().lower() == serving.CSV:
        raise InvocationError(
            f"Content type {content_type!r} is not supported by Factorization Machines; use "
            f"{serving.JSON}, {serving.JSONLINES} or {serving.RECORDIO}", status=415)
    features = serving.read_features(body, content_type, model.feature_dim)
    return serving.write_results(model.predict(features), media), media
