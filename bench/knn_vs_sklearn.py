"""k-NN query throughput: our exact `faiss.Flat` index vs scikit-learn's
KNeighborsClassifier (its default, `algorithm="auto"`) answering the same queries on the same
generated data (default 20k indexed rows x 64 features, 5k queries, k=10).

Both answer the whole query set `--runs` times, taking turns; prints the medians' throughput
ratio ours / sklearn (>= 1.0: we answer at least as fast). Noisy on a shared host: compare
ratios from the same run only.

    .venv/bin/python bench/knn_vs_sklearn.py [--rows N] [--features D] [--queries Q] [--k K]
"""

from __future__ import annotations

import argparse

import numpy as np
from algorithm_jobs import medians
from sklearn.neighbors import KNeighborsClassifier

from sagelab.algorithms.knn import index
from sagelab.algorithms.knn.model import KnnModel


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--queries", type=int, default=5_000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(args.rows, args.features)).astype(np.float32)
    y = rng.integers(0, 10, size=args.rows).astype(np.float32)
    queries = rng.normal(size=(args.queries, args.features)).astype(np.float32)

    ours = KnnModel(args.k, "classifier", args.features,
                    index.build(x, "faiss.Flat", "L2", None, None), y)
    theirs = KNeighborsClassifier(args.k).fit(x, y)
    agree = float(np.mean(ours.predicted(ours.neighbours(queries)[1]) == theirs.predict(queries)))
    took = medians(args.runs, ours=lambda: ours.predict(queries),
                   sklearn=lambda: theirs.predict(queries))
    ours_s, theirs_s = took["ours"], took["sklearn"]
    print(f"ours {args.queries / ours_s:,.0f} queries/s, sklearn {args.queries / theirs_s:,.0f}"
          f" queries/s, agreement {agree:.3f}")
    print(f"ratio ours/sklearn throughput: {theirs_s / ours_s:.2f}")


if __name__ == "__main__":
    main()
