"""K-Means vs scikit-learn's MiniBatchKMeans, like for like (same file, same k, same
mini-batch size, one pass over the data):

- ours: a whole `run_training` job: read the CSV channel, stream mini-batches through the
  k x extra_center_factor centres, reduce them to k with local Lloyd's, save;
- sklearn: `np.loadtxt` of the same file, then `MiniBatchKMeans(max_iter=1).fit`.

Both sides alternate `--runs` times; prints the medians and the ratio sklearn / ours
(>= 0.8 wanted). Noisy on a shared host: compare ratios from the same run only.

    .venv/bin/python bench/kmeans_vs_minibatch.py [--rows N] [--features D] [--k K]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
from algorithm_jobs import job, job_tree, load_csv, medians
from sklearn.cluster import MiniBatchKMeans

_BATCH = 5000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    centers = rng.normal(scale=5, size=(args.k, args.features))
    x = (centers[rng.integers(args.k, size=args.rows)]
         + rng.normal(size=(args.rows, args.features))).astype(np.float32)
    hps = {"feature_dim": args.features, "k": args.k, "mini_batch_size": _BATCH}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        path = job_tree(base, "kmeans", hps, x, "text/csv;label_size=0")

        def sklearn() -> None:
            MiniBatchKMeans(args.k, batch_size=_BATCH, max_iter=1, n_init=1,
                            random_state=0).fit(load_csv(path))

        took = medians(args.runs, ours=job("kmeans", base), sklearn=sklearn)
    print(f"rows={args.rows} features={args.features} k={args.k} (one epoch each) "
          f"runs={args.runs}")
    print(f"ours (job: CSV read + train + save) {took['ours']:.2f}s, "
          f"loadtxt + MiniBatchKMeans {took['sklearn']:.2f}s")
    print(f"ratio sklearn/ours = {took['sklearn'] / took['ours']:.2f}")


if __name__ == "__main__":
    main()
