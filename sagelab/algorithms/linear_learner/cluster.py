"""Data-parallel training across a job's hosts: model averaging in lockstep.

Each host trains on its own shard; at the points where the hosts must agree (the scaler's
statistics before training, then every epoch's parameters and losses) each writes its arrays
to `<shared>/<round>/<host>.npz` and waits until every host listed in `resourceconfig.json`
has written the same round, then all combine the same arrays the same way, so they continue
with identical parameters and take identical early-stopping decisions. The hosts are local
processes, so the shared folder stands in for the network real hosts would use. A host that
fails makes the platform stop the others, so a round never waits forever.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sagelab.algorithms.contract import TrainingEnv

Arrays = dict[str, npt.NDArray[Any]]
_POLL_SECONDS = 0.01


class Cluster:
    def __init__(self, env: TrainingEnv) -> None:
        self.host, self.hosts = env.host, env.hosts
        self.shared = env.shared_dir
        self.rounds = 0

    @property
    def alone(self) -> bool:
        return self.shared is None or len(self.hosts) < 2

    def gather(self, arrays: Arrays) -> list[Arrays]:
        """Every host's `arrays` of this round, in host order (this host's alone: [arrays])."""
        if self.alone:
            return [arrays]
        assert self.shared is not None
        self.rounds += 1
        folder = self.shared / f"round-{self.rounds:06d}"
        folder.mkdir(exist_ok=True)
        _write(folder / f"{self.host}.npz", arrays)
        # Everyone has read round r-2 once they wrote round r-1: this host's file there goes.
        (self.shared / f"round-{self.rounds - 2:06d}" / f"{self.host}.npz").unlink(
            missing_ok=True)
        return [_wait_and_read(folder / f"{host}.npz") for host in self.hosts]

    def weighted_mean(self, arrays: Arrays, weight: float) -> Arrays:
        """The hosts' arrays averaged, each host weighing `weight` (its rows, say)."""
        if self.alone:
            return arrays
        parts = self.gather({**arrays, "_weight": np.array([weight], np.float64)})
        weights = np.array([float(p["_weight"][0]) for p in parts])
        shares = weights / weights.sum() if weights.sum() > 0 else np.full(len(parts),
                                                                            1 / len(parts))
        return {name: _combine([p[name] for p in parts], shares).astype(value.dtype)
                for name, value in arrays.items()}


def _combine(values: Sequence[npt.NDArray[Any]], shares: npt.NDArray[np.float64]
             ) -> npt.NDArray[np.float64]:
    total = np.zeros(values[0].shape, np.float64)
    for value, share in zip(values, shares, strict=True):
        total += share * value.astype(np.float64)
    return total


def _write(path: Path, arrays: Arrays) -> None:
    """Atomically: a host polling for the file never reads half of it."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as out:
        np.savez(out, **arrays)  # type: ignore[arg-type]
    os.replace(tmp, path)


def _wait_and_read(path: Path) -> Arrays:
    while not path.exists():
        time.sleep(_POLL_SECONDS)
    with np.load(path) as data:
        return {name: data[name] for name in data.files}
