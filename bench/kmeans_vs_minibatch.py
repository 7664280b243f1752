"""K-Means (a whole `run_training` job: read the CSV channel, stream mini-batches, local
Lloyd's, save) vs scikit-learn's MiniBatchKMeans on the same rows already in memory.

Prints the time ratio sklearn / ours (>= 0.8 wanted).

    .venv/bin/python bench/kmeans_vs_minibatch.py [--rows N] [--features D] [--k K]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.cluster import MiniBatchKMeans

from sagelab.algorithms.contract import run_training


def job_tree(base: Path, x: np.ndarray, k: int, batch: int) -> None:
    config = base / "input" / "config"
    config.mkdir(parents=True)
    hps = {"feature_dim": str(x.shape[1]), "k": str(k), "mini_batch_size": str(batch)}
    (config / "hyperparameters.json").write_text(json.dumps(hps))
    (config / "inputdataconfig.json").write_text(json.dumps(
        {"train": {"ContentType": "text/csv;label_size=0", "TrainingInputMode": "File"}}))
    data = base / "input" / "data" / "train"
    data.mkdir(parents=True)
    np.savetxt(data / "train.csv", x, delimiter=",", fmt="%.7g")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    centers = rng.normal(scale=5, size=(args.k, args.features))
    x = (centers[rng.integers(args.k, size=args.rows)]
         + rng.normal(size=(args.rows, args.features))).astype(np.float32)
    batch = 5000
    with tempfile.TemporaryDirectory() as tmp:
        job_tree(Path(tmp), x, args.k, batch)
        started = time.perf_counter()
        assert run_training("kmeans", Path(tmp)) == 0
        ours = time.perf_counter() - started
    started = time.perf_counter()
    MiniBatchKMeans(args.k, batch_size=batch, max_iter=1, n_init=1, random_state=0).fit(x)
    sklearn = time.perf_counter() - started
    print(f"rows={args.rows} features={args.features} k={args.k} (one epoch each)")
    print(f"ours (job: CSV read + train + save) {ours:.2f}s, MiniBatchKMeans {sklearn:.2f}s")
    print(f"ratio sklearn/ours = {sklearn / ours:.2f}")


if __name__ == "__main__":
    main()
