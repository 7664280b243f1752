"""Linear Learner's side of the serving contract: `load(model_dir)` once per model server,
`invoke(model, body, content_type, accept)` per request → (response body, content type)."""

from __future__ import annotations

from pathlib import Path

from sagelab.algorithms import serving
from sagelab.algorithms.linear_learner.model import LinearModel


def load(model_dir: Path) -> LinearModel:
    return LinearModel.load(model_dir)


def invoke(model: LinearModel, body: bytes, content_type: str, accept: str) -> tuple[bytes, str]:
    media = serving.response_type(accept)
    features = serving.read_features(body, content_type, model.feature_dim)
    return serving.write_results(model.predict(features), media), media
