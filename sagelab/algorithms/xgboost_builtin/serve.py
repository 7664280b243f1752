"""XGBoost's serving contract (reference/algorithms.md §3.4): every booster file in the model
dir is loaded (several = an averaged ensemble, as the container does); requests in CSV,
libsvm or RecordIO-protobuf; answers as CSV (the default, one prediction per line), JSON,
JSON Lines or RecordIO-protobuf, each prediction under `score`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import xgboost

from sagelab.algorithms import serving
from sagelab.algorithms.xgboost_builtin import model
from sagelab.algorithms.xgboost_builtin.data import request_matrix

Array = npt.NDArray[np.float32]
_ACCEPTED = (serving.CSV, *serving.RESPONSE_TYPES)


@dataclass(frozen=True)
class Ensemble:
    boosters: list[xgboost.Booster]

    @property
    def feature_dim(self) -> int:
        return int(self.boosters[0].num_features())

    def predict(self, data: xgboost.DMatrix) -> Array:
        predictions: Array = np.mean([b.predict(data) for b in self.boosters], axis=0)
        return predictions


def load(model_dir: Path) -> Ensemble:
    boosters = [model.load(path) for path in sorted(model_dir.iterdir())
                if path.is_file() and not path.name.startswith(".")]
    if not boosters:
        raise ValueError(f"no XGBoost model file in {model_dir}")
    return Ensemble(boosters)


def _csv(predictions: Array) -> bytes:
    rows = predictions.tolist()
    lines = (",".join(map(str, row)) if isinstance(row, list) else str(row) for row in rows)
    return "".join(line + "\n" for line in lines).encode()


def invoke(ensemble: Ensemble, body: bytes, content_type: str, accept: str) -> tuple[bytes, str]:
    media = serving.response_type(accept, _ACCEPTED, default=serving.CSV)
    predictions = ensemble.predict(request_matrix(body, content_type, ensemble.feature_dim))
    if media == serving.CSV:
        return _csv(predictions), "text/csv; charset=utf-8"
    rows: list[dict[str, Any]] = [{"score": p} for p in predictions.tolist()]
    return serving.write_results(rows, media), media
