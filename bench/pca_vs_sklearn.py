"""PCA training throughput vs scikit-learn's PCA on the same rows, same run.

Two ratios (sklearn time / ours, >= 0.8 wanted):
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
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from sklearn.decomposition import PCA

from sagelab.algorithms.contract import TrainingEnv, run_training
from sagelab.algorithms.linear_learner.cluster import Cluster
from sagelab.algorithms.pca.hyperparameters import Config, resolve
from sagelab.algorithms.pca.train import decompose

_BATCH = 500  # what the SDK's PCA estimator sends for large record sets


def job_tree(base: Path, x: np.ndarray, components: int, mode: str) -> Path:
    config = base / "input" / "config"
    config.mkdir(parents=True)
    hps = {"feature_dim": str(x.shape[1]), "num_components": str(components),
           "mini_batch_size": str(_BATCH), "algorithm_mode": mode}
    (config / "hyperparameters.json").write_text(json.dumps(hps))
    (config / "inputdataconfig.json").write_text(json.dumps(
        {"train": {"ContentType": "text/csv;label_size=0", "TrainingInputMode": "File"}}))
    data = base / "input" / "data" / "train"
    data.mkdir(parents=True)
    np.savetxt(data / "train.csv", x, delimiter=",", fmt="%.7g")
    return data / "train.csv"


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The fastest of `runs` timings: the least disturbed by a busy host."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


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
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        path = job_tree(base, x, args.components, args.mode)

        def ours_job() -> None:
            assert run_training("pca", base) == 0

        def sklearn_job() -> None:
            PCA(args.components).fit(np.loadtxt(path, delimiter=",", dtype=np.float32))

        ours = best_of(args.runs, ours_job)
        theirs = best_of(args.runs, sklearn_job)
    config = resolve({"feature_dim": str(args.features), "num_components": str(args.components),
                      "mini_batch_size": str(_BATCH), "algorithm_mode": args.mode})
    ours_core = best_of(args.runs, lambda: core(x, config))
    theirs_core = best_of(args.runs, lambda: PCA(args.components).fit(x))
    print(f"rows={args.rows} features={args.features} components={args.components} "
          f"mode={args.mode}")
    print(f"job:  ours (CSV read + train + save) {ours:.2f}s, loadtxt + PCA.fit {theirs:.2f}s"
          f" -> ratio sklearn/ours = {theirs / ours:.2f}")
    print(f"core: ours (streamed scatter + eigh) {ours_core:.3f}s, PCA.fit {theirs_core:.3f}s"
          f" -> ratio sklearn/ours = {theirs_core / ours_core:.2f}")


if __name__ == "__main__":
    main()
