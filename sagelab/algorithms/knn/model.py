"""A trained k-NN model: save, load, predict.

Artifact (reference/algorithms.md §5.2), the real one's three members with sagelab content:
`model_algo-1` (an `.npz` of the index's arrays and the reduction matrix, in place of the
faiss index), `model_algo-1.labels` (the sample's labels, raw float32, as the real one) and
`model_algo-1.json` (`k`, `predictor_type`… — users edit it to change k; `load` honours it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sagelab.algorithms.knn.index import Built, Index

Array = npt.NDArray[np.float32]
ARTIFACT = "model_algo-1"
FORMAT = "sagelab-knn"


@dataclass
class KnnModel:
    k: int
    predictor_type: str
    feature_dim: int
    built: Built
    labels: Array  # per sample row
    projection: Array | None = None
    settings: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        self._index: Index = self.built.index()

    def neighbours(self, features: Array) -> tuple[Array, Array]:
        """(distances, labels) of the k nearest sample rows, nearest first."""
        queries = features if self.projection is None else features @ self.projection
        distances, ids = self._index.search(queries, min(self.k, len(self.labels)))
        return distances, self.labels[ids]

    def predicted(self, labels: Array) -> Array:
        """Majority label (ties to the smallest, as scikit-learn) or the mean label."""
        if self.predictor_type == "regressor":
            mean: Array = labels.mean(axis=1)
            return mean
        classes, codes = np.unique(labels, return_inverse=True)
        codes = codes.reshape(labels.shape)
        counts = np.zeros((len(labels), len(classes)), np.int64)
        np.add.at(counts, (np.arange(len(labels))[:, None], codes), 1)
        picked: Array = classes[counts.argmax(axis=1)]
        return picked

    def predict(self, features: Array, verbose: bool = False) -> list[dict[str, Any]]:
        distances, labels = self.neighbours(features)
        predicted = self.predicted(labels).tolist()
        if not verbose:
            return [{"predicted_label": p} for p in predicted]
        return [{"predicted_label": p, "distances": d, "labels": n}
                for p, d, n in zip(predicted, distances.tolist(), labels.tolist(), strict=True)]

    def save(self, model_dir: Path) -> None:
        arrays = self.built.arrays()
        if self.projection is not None:
            arrays["projection"] = self.projection
        with (model_dir / ARTIFACT).open("wb") as f:
            np.savez(f, **arrays)  # type: ignore[arg-type]  # numpy's stub: allow_pickle
        self.labels.astype("<f4").tofile(model_dir / f"{ARTIFACT}.labels")
        state = {"format": FORMAT, "k": self.k, "predictor_type": self.predictor_type,
                 "feature_dim": self.feature_dim, "index_metric": self.built.metric,
                 **(self.settings or {})}
        (model_dir / f"{ARTIFACT}.json").write_text(json.dumps(state, indent=2, default=str))

    @classmethod
    def load(cls, model_dir: Path) -> KnnModel:
        state = json.loads((model_dir / f"{ARTIFACT}.json").read_text())
        if state.get("format") != FORMAT:
            raise ValueError(f"{ARTIFACT} is not a {FORMAT} model")
        with np.load(model_dir / ARTIFACT) as saved:
            arrays = {name: saved[name] for name in saved.files}
        projection = arrays.pop("projection", None)
        labels = np.fromfile(model_dir / f"{ARTIFACT}.labels", dtype="<f4")
        return cls(int(state["k"]), state["predictor_type"], int(state["feature_dim"]),
                   Built(state["index_metric"], **arrays), labels, projection, state)
