"""Random Cut Forest's side of the serving contract (reference/algorithms.md §3.6): CSV,
JSON, JSON Lines or RecordIO-protobuf in; `{"scores": [{"score": …}, …]}` out."""

from __future__ import annotations

from pathlib import Path

from sagelab.algorithms import serving
from sagelab.algorithms.random_cut_forest.model import RCFModel


def load(model_dir: Path) -> RCFModel:
    return RCFModel.load(model_dir)


def invoke(model: RCFModel, body: bytes, content_type: str, accept: str) -> tuple[bytes, str]:
    media = serving.response_type(accept)
    features = serving.read_features(body, content_type, model.feature_dim)
    return serving.write_results(model.predict(features), media, key="scores"), media
