"""Peak RSS of a Linear Learner job whose CSV train channel is far larger than that peak:
the channel is streamed in mini-batches, never loaded whole.

Generates a label-first CSV of `--megabytes` (default 256; the issue's target is 2048 with
peak RSS <= 1 GiB), runs `python -m sagelab.algorithms linear-learner <base_dir>` as the
platform does, and prints the job's peak RSS, the same for a baseline child that only imports
the algorithm (measured in this run), and the ratios.

    .venv/bin/python bench/linear_learner_stream_rss.py [--megabytes 2048] [--epochs 1]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

FEATURES = 50


def write_csv(path: Path, megabytes: int) -> int:
    rng = np.random.default_rng(0)
    coefficients = rng.normal(size=FEATURES)
    rows = 0
    with path.open("w") as out:
        while out.tell() < megabytes << 20:
            x = rng.normal(size=(20_000, FEATURES))
            y = x @ coefficients + rng.normal(scale=0.5, size=len(x))
            np.savetxt(out, np.column_stack([y, x]), delimiter=",", fmt="%.6f")
            rows += len(x)
    return rows


def make_tree(base: Path, megabytes: int, epochs: int) -> int:
    config = base / "input" / "config"
    config.mkdir(parents=True)
    (config / "hyperparameters.json").write_text(json.dumps({
        "predictor_type": "regressor", "feature_dim": str(FEATURES), "epochs": str(epochs)}))
    (config / "inputdataconfig.json").write_text(json.dumps(
        {"train": {"ContentType": "text/csv", "TrainingInputMode": "File"}}))
    data = base / "input" / "data" / "train"
    data.mkdir(parents=True)
    return write_csv(data / "train.csv", megabytes)


def child_peak_rss(argv: list[str]) -> tuple[int, float]:
    """Peak RSS (bytes) and wall time of one child, from its own rusage (wait4)."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{argv} exited with {child.returncode}")
    return usage.ru_maxrss * 1024, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        rows = make_tree(base, args.megabytes, args.epochs)
        size = (base / "input" / "data" / "train" / "train.csv").stat().st_size
        baseline, _ = child_peak_rss([sys.executable, "-c",
                                      "import sagelab.algorithms.linear_learner"])
        peak, seconds = child_peak_rss([sys.executable, "-m", "sagelab.algorithms",
                                        "linear-learner", str(base)])
        assert (base / "model" / "model_algo-1").exists(), (base / "output" / "failure")
    mib = 1 << 20
    print(f"train.csv: {size / mib:.0f} MiB, {rows} rows x {FEATURES} features, "
          f"{args.epochs} epoch(s), {seconds:.1f} s")
    print(f"baseline (import only) peak RSS: {baseline / mib:.0f} MiB")
    print(f"training job peak RSS: {peak / mib:.0f} MiB")
    print(f"ratio job RSS / baseline RSS: {peak / baseline:.2f}")
    print(f"ratio job RSS / file size: {peak / size:.3f}")


if __name__ == "__main__":
    main()
