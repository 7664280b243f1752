"""k-NN's side of the serving contract (reference/algorithms.md §3.3): `predicted_label`
per row; `; verbose=true` on the Accept type adds the neighbours' `distances` and `labels`."""

from __future__ import annotations

from pathlib import Path

from sagelab.algorithms import serving
from sagelab.algorithms.knn.model import KnnModel


def load(model_dir: Path) -> KnnModel:
    return KnnModel.load(model_dir)


def invoke(model: KnnModel, body: bytes, content_type: str, accept: str) -> tuple[bytes, str]:
    media = serving.response_type(accept)
    verbose = "verbose=true" in (accept or "").replace(" ", "").lower()
    features = serving.read_features(body, content_type, model.feature_dim)
    return serving.write_results(model.predict(features, verbose), media), media
