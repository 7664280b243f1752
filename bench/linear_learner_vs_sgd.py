"""Linear Learner training `num_models=32` models at once vs scikit-learn's SGDRegressor
training one, on the same generated data (default 1M rows x 50 features) for the same epochs.

Prints the time ratio sklearn / ours (>= 1.0: 32 vectorised models cost no more than
sklearn's one). Both read from memory: this measures training, not parsing.

    .venv/bin/python bench/linear_learner_vs_sgd.py [--rows N] [--features D] [--epochs E]
"""

from __future__ import annotations

import os

# As `python -m sagelab.algorithms` does for training jobs: small matrices, one BLAS thread.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import time
from collections.abc import Iterator

import numpy as np
from sklearn.linear_model import SGDRegressor

from sagelab.algorithms.linear_learner.data import Labelled
from sagelab.algorithms.linear_learner.ensemble import Ensemble, draw_settings
from sagelab.algorithms.linear_learner.hyperparameters import resolve
from sagelab.algorithms.linear_learner.scaler import Scaler
from sagelab.algorithms.linear_learner.train import _run_epoch


def generate(rows: int, features: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, features)).astype(np.float32)
    y = (x @ rng.normal(size=features) + rng.normal(scale=0.5, size=rows)).astype(np.float32)
    return x, y


def batches(x: np.ndarray, y: np.ndarray, size: int) -> Iterator[Labelled]:
    for start in range(0, len(x), size):
        yield Labelled(x[start : start + size], y[start : start + size])


def time_ours(x: np.ndarray, y: np.ndarray, epochs: int, batch: int) -> tuple[float, float]:
    config = resolve(
        {
            "predictor_type": "regressor",
            "num_models": "32",
            "mini_batch_size": str(batch),
            "epochs": str(epochs),
        }
    )
    scaler = Scaler.fit(x[:10_000], y[:10_000], config)
    ensemble = Ensemble(config, x.shape[1], draw_settings(config, 1.0), scaler)
    started = time.perf_counter()
    for _ in range(epochs):
        loss, _ = _run_epoch(ensemble, batches(x, y, batch))
    return time.perf_counter() - started, float(loss.min())


def time_sklearn(x: np.ndarray, y: np.ndarray, epochs: int) -> float:
    model = SGDRegressor(max_iter=epochs, tol=None, random_state=0)
    started = time.perf_counter()
    model.fit(x, y)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--mini-batch-size", type=int, default=1000)
    args = parser.parse_args()
    x, y = generate(args.rows, args.features)
    ours, loss = time_ours(x, y, args.epochs, args.mini_batch_size)
    theirs = time_sklearn(x, y, args.epochs)
    print(
        f"data: {args.rows} x {args.features}, {args.epochs} epochs, "
        f"mini_batch_size={args.mini_batch_size}"
    )
    print(f"linear-learner, 32 models: {ours:.2f} s (best normalised train mse {loss:.4f})")
    print(f"sklearn SGDRegressor, 1 model: {theirs:.2f} s")
    print(f"ratio sklearn/ours: {theirs / ours:.2f}")


if __name__ == "__main__":
    main()
