"""PCA serving (reference/algorithms.md §3.2): CSV, JSON, JSON Lines or RecordIO-protobuf
in; `{"projections": [{"projection": [...]}, ...]}` (JSON, the default), one
`{"projection": [...]}` per line (JSON Lines) or the `projection` label (RecordIO-protobuf)
out."""

from __future__ import annotations

from pathlib import Path

from sagelab.algorithms import serving
from sagelab.algorithms.pca.model import PCAModel


def load(model_dir: Path) -> PCAModel:
    return PCAModel.load(model_dir)


def invoke(model: PCAModel, body: bytes, content_type: str, accept: str) -> tuple[bytes, str]:
    media = serving.response_type(accept)
    features = serving.read_features(body, content_type, model.feature_dim)
    return serving.write_results(model.predict(features), media, key="projections"), media
