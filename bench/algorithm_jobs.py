"""What the built-in algorithm benches share: a job tree over a CSV channel, and timings of
ours against a library baseline taken alternately in the same run (medians), so that a busy
host disturbs both sides alike."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from sagelab.algorithms import registry
from sagelab.algorithms.contract import run_training


def job_tree(base: Path, algorithm: str, hyperparameters: Mapping[str, object],
             rows: np.ndarray, content_type: str = "text/csv") -> Path:
    """`base` as the job's /opt/ml with one CSV `train` channel holding `rows`; the CSV
    file's path. The algorithm's modules are imported here, as the library baseline's are
    before it is timed."""
    registry.get(algorithm)
    config = base / "input" / "config"
    config.mkdir(parents=True)
    hps = {key: str(value) for key, value in hyperparameters.items()}
    (config / "hyperparameters.json").write_text(json.dumps(hps))
    (config / "inputdataconfig.json").write_text(json.dumps(
        {"train": {"ContentType": content_type, "TrainingInputMode": "File"}}))
    data = base / "input" / "data" / "train"
    data.mkdir(parents=True)
    np.savetxt(data / "train.csv", rows, delimiter=",", fmt="%.7g")
    return data / "train.csv"


def job(algorithm: str, base: Path) -> Callable[[], None]:
    """A whole training job on the tree at `base`, as the platform runs it in its child."""

    def run() -> None:
        if run_training(algorithm, base) != 0:
            raise SystemExit((base / "output" / "failure").read_text())

    return run


def load_csv(path: Path) -> np.ndarray:
    """How a library user reads the same file: numpy's C CSV parser, float32."""
    return np.loadtxt(path, delimiter=",", dtype=np.float32, ndmin=2)


def medians(runs: int, **work: Callable[[], object]) -> dict[str, float]:
    """Median seconds of each callable over `runs` rounds, the callables taking turns."""
    times: dict[str, list[float]] = {name: [] for name in work}
    for _ in range(runs):
        for name, call in work.items():
            started = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}
