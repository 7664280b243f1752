"""PCA training vs scikit-learn's PCA on the same rows, same run, like for like.

Two ratios (sklearn time / ours, >= 0.8 wanted), each the medians of `--runs` alternating
timings (noisy on a shared host: compare ratios from the same run only):
- job: a whole `run_training` job (read the CSV channel, stream mini-batches, decompose,
  save) vs what a scikit-learn user runs on the same file: `np.loadtxt` + `PCA.fit`;
- core: our streamed scatter + eigendecomposition over in-memory mini-batches vs `PCA.fit`
  on the array already in memory.

    .venv/bin/python bench/pca_vs_sklearn.py [--rows N] [--features D] [--components K]
                                             [--mode regular|randomized]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from algorithm_jobs import job, job_tree, load_csv, medians
from sklearn.decomposition import PCA

from sagelab.algorithms.contract import TrainingEnv
from sagelab.algorithms.linear_learner.cluster import Cluster
from sagelab.algorithms.pca.hyperparameters import Config, resolve
from sagelab.algorithms.pca.train import decompose

_BATCH = 500  # what the SDK's PCA estimator sends for large record sets


def core(x: np.ndarray, config: Config) -> None:
    def rows() -> Iterator[np.ndarray]:
        return (x[start:start + _BATCH] for start in range(0, len(x), _BATCH))

    alone = Cluster(TrainingEnv(Path("."), {}, {}, {"current_host": "algo-1"}))
    with contextlib.redirect_stdout(io.StringIO()):  # its log line
        decompose(config, rows, alone)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--components", type=int, default=10)
    parser.add_argument("--mode", default="regular", choices=["regular", "randomized"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    scales = np.geomspace(10, 0.1, args.features)
    x = (rng.normal(size=(args.rows, args.features)) * scales).astype(np.float32)
    hps = {"feature_dim": args.features, "num_components": args.components,
           "mini_batch_size": _BATCH, "algorithm_mode": args.mode}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        path = job_tree(base, "pca", hps, x, "text/csv;label_size=0")
        whole = medians(args.runs, ours=job("pca", base),
                        sklearn=lambda: PCA(args.components).fit(load_csv(path)))
    config = resolve({key: str(value) for key, value in hps.items()})
    inner = medians(args.runs, ours=lambda: core(x, config),
                    sklearn=lambda: PCA(args.components).fit(x))
    print(f"rows={args.rows} features={args.features} components={args.components} "
          f"mode={args.mode} runs={args.runs}")
    print(f"job:  ours (CSV read + train + save) {whole['ours']:.2f}s, loadtxt + PCA.fit "
          f"{whole['sklearn']:.2f}s -> ratio sklearn/ours = "
          f"{whole['sklearn'] / whole['ours']:.2f}")
    print(f"core: ours (streamed scatter + eigh) {inner['ours']:.3f}s, PCA.fit "
          f"{inner['sklearn']:.3f}s -> ratio sklearn/ours = "
          f"{inner['sklearn'] / inner['ours']:.2f}")


if __name__ == "__main__":
    main()
