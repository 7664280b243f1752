"""K-Means serving (reference/algorithms.md §3.1): `closest_cluster` and
`distance_to_cluster` per row, as JSON (the default), JSON Lines, RecordIO-protobuf or CSV
(`closest_cluster,distance_to_cluster` per line)."""

from __future__ import annotations

from pathlib import Path

from sagelab.algorithms import serving
from sagelab.algorithms.kmeans.model import KMeansModel

_ACCEPTED = (*serving.RESPONSE_TYPES, serving.CSV)


def load(model_dir: Path) -> KMeansModel:
    return KMeansModel.load(model_dir)


def invoke(model: KMeansModel, body: bytes, content_type: str, accept: str
           ) -> tuple[bytes, str]:
    media = serving.response_type(accept, _ACCEPTED)
    rows = model.predict(serving.read_features(body, content_type, model.feature_dim))
    if media == serving.CSV:
        lines = (f"{r['closest_cluster']},{r['distance_to_cluster']}\n" for r in rows)
        return "".join(lines).encode(), media
    return serving.write_results(rows, media), media
