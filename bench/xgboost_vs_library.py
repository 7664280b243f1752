"""XGBoost algorithm mode (a whole `run_training` job: read the CSV channel, train, save the
booster) vs calling `xgboost.train` directly on the same rows already in memory.

Prints the time ratio library / ours (>= 0.8 wanted: the job adds parsing and saving only).

    .venv/bin/python bench/xgboost_vs_library.py [--rows N] [--features D] [--rounds R]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import xgboost

from sagelab.algorithms.contract import run_training

PARAMS = {"objective": "binary:logistic", "max_depth": 6, "eta": 0.3, "tree_method": "hist"}


def generate(rows: int, features: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, features)).astype(np.float32)
    y = ((x @ rng.normal(size=features) + rng.normal(size=rows)) > 0).astype(np.float32)
    return x, y


def job_tree(base: Path, x: np.ndarray, y: np.ndarray, rounds: int) -> None:
    config = base / "input" / "config"
    config.mkdir(parents=True)
    hps = {k: str(v) for k, v in PARAMS.items()} | {"num_round": str(rounds)}
    (config / "hyperparameters.json").write_text(json.dumps(hps))
    (config / "inputdataconfig.json").write_text(json.dumps(
        {"train": {"ContentType": "text/csv", "TrainingInputMode": "File"}}))
    data = base / "input" / "data" / "train"
    data.mkdir(parents=True)
    np.savetxt(data / "train.csv", np.column_stack([y, x]), delimiter=",", fmt="%.7g")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    x, y = generate(args.rows, args.features)
    # Warm the library (thread pool, first-call set-up) so neither side pays for it.
    xgboost.train(PARAMS, xgboost.DMatrix(x[:1000], label=y[:1000]), num_boost_round=2)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        job_tree(base, x, y, args.rounds)
        started = time.perf_counter()
        assert run_training("xgboost", base) == 0, (base / "output" / "failure").read_text()
        ours = time.perf_counter() - started
    started = time.perf_counter()
    xgboost.train(PARAMS, xgboost.DMatrix(x, label=y), num_boost_round=args.rounds)
    library = time.perf_counter() - started
    print(f"rows={args.rows} features={args.features} rounds={args.rounds}")
    print(f"ours (job: CSV read + train + save) {ours:.2f}s, xgboost.train {library:.2f}s")
    print(f"ratio library/ours = {library / ours:.2f}")


if __name__ == "__main__":
    main()
