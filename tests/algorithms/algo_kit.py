"""Builds `/opt/ml`-style trees for algorithm tests, and the bundled data sets split once."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sagelab.algorithms.contract import run_training
from sagelab.algorithms.io import recordio_protobuf
from sagelab.testing import shared_data

BOSTON = shared_data("boston_housing.csv")


@dataclass
class Job:
    base: Path

    @property
    def failure(self) -> str:
        path = self.base / "output" / "failure"
        return path.read_text() if path.exists() else ""

    @property
    def model_dir(self) -> Path:
        return self.base / "model"


def csv_bytes(features: np.ndarray, labels: np.ndarray | None) -> bytes:
    out = io.StringIO()
    rows = features if labels is None else np.column_stack([labels, features])
    np.savetxt(out, rows, delimiter=",", fmt="%.8g")
    return out.getvalue().encode()


def recordio_bytes(features: np.ndarray, labels: np.ndarray | None) -> bytes:
    out = io.BytesIO()
    recordio_protobuf.write_dense(out, features, labels)
    return out.getvalue()


def make_job(base: Path, hyperparameters: dict[str, Any],
             channels: dict[str, dict[str, bytes]],
             content_types: dict[str, str | None] | None = None) -> Job:
    """`channels`: name → {file name: bytes}; content types default to text/csv."""
    config = base / "input" / "config"
    config.mkdir(parents=True)
    (config / "hyperparameters.json").write_text(
        json.dumps({k: str(v) for k, v in hyperparameters.items()}))
    types = content_types or {}
    data_config = {}
    for name, files in channels.items():
        entry = {"TrainingInputMode": "File", "S3DistributionType": "FullyReplicated",
                 "RecordWrapperType": "None"}
        content = types.get(name, "text/csv")
        if content is not None:
            entry["ContentType"] = content
        data_config[name] = entry
        for file_name, body in files.items():
            path = base / "input" / "data" / name / file_name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
    (config / "inputdataconfig.json").write_text(json.dumps(data_config))
    (config / "resourceconfig.json").write_text(
        json.dumps({"current_host": "algo-1", "hosts": ["algo-1"]}))
    return Job(base)


def train(base: Path, hyperparameters: dict[str, Any], channels: dict[str, dict[str, bytes]],
          content_types: dict[str, str | None] | None = None) -> tuple[int, Job]:
    job = make_job(base, hyperparameters, channels, content_types)
    return run_training("linear-learner", base), job


def load_boston() -> tuple[np.ndarray, np.ndarray]:
    with BOSTON.open() as f:
        rows = list(csv.reader(f))[1:]
    data = np.array([[float(x) for x in row] for row in rows], dtype=np.float32)
    return data[:, :-1], data[:, -1]


@pytest.fixture(scope="session")
def boston_split() -> tuple[np.ndarray, ...]:
    from sklearn.model_selection import train_test_split

    x, y = load_boston()
    return tuple(train_test_split(x, y, test_size=0.25, random_state=7))
