"""XGBoost algorithm mode vs calling the `xgboost` library directly, like for like:

- ours: a whole `run_training` job: read the CSV channel (label first), build the DMatrix,
  train `num_round` rounds printing the train-set metric each round (as the real container
  does), save `xgboost-model`;
- library: what a user of the library runs on the same file: `np.loadtxt`, `DMatrix`,
  `xgboost.train` with the same parameters and the train set in `evals`, `save_model`.

Both sides alternate `--runs` times; prints the medians and the ratio library / ours
(>= 0.8 wanted). Noisy on a shared host: compare ratios from the same run only.

    .venv/bin/python bench/xgboost_vs_library.py [--rows N] [--features D] [--rounds R]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import xgboost
from algorithm_jobs import job, job_tree, load_csv, medians

PARAMS = {"objective": "binary:logistic", "max_depth": 6, "eta": 0.3, "tree_method": "hist"}


def generate(rows: int, features: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, features)).astype(np.float32)
    y = ((x @ rng.normal(size=features) + rng.normal(size=rows)) > 0).astype(np.float32)
    return x, y


def library(path: Path, rounds: int, out: Path) -> None:
    rows = load_csv(path)
    train = xgboost.DMatrix(rows[:, 1:], label=rows[:, 0])
    booster = xgboost.train(PARAMS, train, num_boost_round=rounds, evals=[(train, "train")],
                            verbose_eval=False)
    booster.save_model(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    x, y = generate(args.rows, args.features)
    # Warm the library (thread pool, first-call set-up) so neither side pays for it.
    xgboost.train(PARAMS, xgboost.DMatrix(x[:1000], label=y[:1000]), num_boost_round=2)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        path = job_tree(base / "job", "xgboost", PARAMS | {"num_round": args.rounds},
                        np.column_stack([y, x]))
        took = medians(args.runs, ours=job("xgboost", base / "job"),
                       library=lambda: library(path, args.rounds, base / "library.json"))
    print(f"rows={args.rows} features={args.features} rounds={args.rounds} runs={args.runs}")
    print(f"ours (job: CSV read + train + save) {took['ours']:.2f}s, "
          f"library (loadtxt + DMatrix + train + save) {took['library']:.2f}s")
    print(f"ratio library/ours = {took['library'] / took['ours']:.2f}")


if __name__ == "__main__":
    main()
