"""DeepAR training vs scikit-learn's MLPRegressor doing the same arithmetic: the same
network (2 tanh layers of 40 cells, Adam), the same number of updates (epochs x 50) on
mini-batches of the same rows (windows x prediction_length), the same lagged inputs.

- ours: a whole `run_training` job: read the JSON Lines channel, sample windows, scale,
  build the lag and calendar inputs, fit with the likelihood head, save;
- sklearn: the lag matrix of as many rows as one of our epochs sees, then
  `MLPRegressor(max_iter=epochs).fit` (squared loss, no likelihood head, no windows).

Both sides alternate `--runs` times; prints the medians and the ratio sklearn / ours.
Noisy on a shared host: compare ratios from the same run only.

    .venv/bin/python bench/deepar_vs_mlp.py [--series N] [--length T] [--epochs E]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import warnings
from pathlib import Path

import numpy as np
from algorithm_jobs import job, medians
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor

from sagelab.algorithms import registry

_BATCHES_PER_EPOCH, _WINDOWS, _HORIZON, _CONTEXT = 50, 32, 7, 14


def _panel(series: int, length: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    week = np.sin(2 * np.pi * np.arange(length) / 7)
    levels = np.exp(rng.uniform(1, 6, (series, 1)))
    return levels * (2 + week) * (1 + 0.05 * rng.standard_normal((series, length)))


def _tree(base: Path, values: np.ndarray, epochs: int) -> None:
    registry.get("forecasting-deepar")  # imported before timing, as sklearn is
    config = base / "input" / "config"
    config.mkdir(parents=True)
    hps = {"time_freq": "D", "context_length": _CONTEXT, "prediction_length": _HORIZON,
           "epochs": epochs, "mini_batch_size": _WINDOWS, "likelihood": "gaussian"}
    (config / "hyperparameters.json").write_text(json.dumps({k: str(v) for k, v in hps.items()}))
    (config / "inputdataconfig.json").write_text(json.dumps(
        {"train": {"ContentType": "json", "TrainingInputMode": "File"}}))
    data = base / "input" / "data" / "train"
    data.mkdir(parents=True)
    with (data / "train.json").open("w") as f:
        for row in values:
            f.write(json.dumps({"start": "2020-01-01", "target": row.round(4).tolist()}) + "\n")


def _lag_rows(values: np.ndarray, rows: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    which = rng.integers(len(values), size=rows)
    at = rng.integers(_CONTEXT, values.shape[1], size=rows)
    lags = values[which[:, None], at[:, None] - np.arange(1, _CONTEXT + 1)]
    scale = np.abs(lags).mean(axis=1, keepdims=True)
    return lags / scale, values[which, at] / scale[:, 0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--length", type=int, default=365)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    values = _panel(args.series, args.length)
    per_epoch = _BATCHES_PER_EPOCH * _WINDOWS * _HORIZON
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        _tree(base, values, args.epochs)

        def sklearn() -> None:
            x, y = _lag_rows(values, per_epoch)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                MLPRegressor(hidden_layer_sizes=(40, 40), activation="tanh",
                             batch_size=_WINDOWS * _HORIZON, max_iter=args.epochs,
                             random_state=0).fit(x, y)

        took = medians(args.runs, ours=job("forecasting-deepar", base), sklearn=sklearn)
    print(f"series={args.series} length={args.length} epochs={args.epochs} "
          f"({_BATCHES_PER_EPOCH} updates of {_WINDOWS * _HORIZON} rows each) runs={args.runs}")
    print(f"ours (job: JSON read + train + save) {took['ours']:.2f}s, "
          f"lag matrix + MLPRegressor {took['sklearn']:.2f}s")
    print(f"ratio sklearn/ours = {took['sklearn'] / took['ours']:.2f}")


if __name__ == "__main__":
    main()
