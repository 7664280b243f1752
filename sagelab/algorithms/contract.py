"""The algorithm's side of a training run: an `/opt/ml`-style tree in, model files and a
failure message out (reference/contracts.md §1.1, §1.4).

`run_training(algorithm, base_dir, shared_dir)` is the one entry point the platform calls in
the job's child process (`python -m sagelab.algorithms <algorithm> <base_dir>` does the same,
alone). `shared_dir` is a folder every host of the job reaches (all hosts are local
processes): where data-parallel algorithms exchange parameters, as real hosts would over the
network.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sagelab.algorithms.errors import UserError

EXIT_OK, EXIT_USER_ERROR, EXIT_ALGORITHM_ERROR = 0, 1, 2
_FAILURE_LIMIT = 1024  # the platform keeps the first 1024 characters as FailureReason


@dataclass(frozen=True)
class Channel:
    name: str
    content_type: str | None
    input_mode: str  # "File" or "Pipe"
    record_wrapper: str = "None"


@dataclass
class TrainingEnv:
    base_dir: Path
    hyperparameters: dict[str, str]
    channels: dict[str, Channel]
    resource: dict[str, Any]
    shared_dir: Path | None = None  # None: this host trains alone, whatever the hosts
    _passes: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, base_dir: Path, shared_dir: Path | None = None) -> TrainingEnv:
        config = base_dir / "input" / "config"
        raw_channels = _read_json(config / "inputdataconfig.json", {})
        channels = {
            name: Channel(
                name,
                spec.get("ContentType"),
                spec.get("TrainingInputMode", "File"),
                spec.get("RecordWrapperType", "None"),
            )
            for name, spec in raw_channels.items()
        }
        hyperparameters = _read_json(config / "hyperparameters.json", {})
        if not all(isinstance(v, str) for v in hyperparameters.values()):
            raise UserError("hyperparameters.json must map names to strings")
        resource = _read_json(config / "resourceconfig.json", {"current_host": "algo-1"})
        return cls(base_dir, hyperparameters, channels, resource, shared_dir)

    @property
    def host(self) -> str:
        return str(self.resource.get("current_host", "algo-1"))

    @property
    def hosts(self) -> list[str]:
        return [str(h) for h in self.resource.get("hosts", [self.host])]

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "input" / "data"

    @property
    def model_dir(self) -> Path:
        return self.base_dir / "model"

    @property
    def output_data_dir(self) -> Path:
        return self.base_dir / "output" / "data"

    @property
    def failure_path(self) -> Path:
        return self.base_dir / "output" / "failure"

    @property
    def checkpoint_dir(self) -> Path:
        return self.base_dir / "checkpoints"

    def has_channel(self, name: str) -> bool:
        return name in self.channels or (self.data_dir / name).is_dir()

    def channel_pass(self, name: str) -> Sequence[tuple[str, Path]]:
        """The files of one full read of a channel, as (name for messages, path).

        File mode: every file under `input/data/<name>/`, sorted, hidden ones skipped (the
        same list on every pass). Pipe mode: pass k reads the FIFO `<name>_<k>`.
        """
        channel = self.channels.get(name, Channel(name, None, "File"))
        count = self._passes.get(name, 0)
        self._passes[name] = count + 1
        if channel.input_mode == "Pipe":
            fifo = self.data_dir / f"{name}_{count}"
            return [(fifo.name, fifo)]
        root = self.data_dir / name
        files = sorted(
            p for p in root.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
        )
        if not files:
            raise UserError(f"No data found in channel '{name}' ({root} is empty)")
        return [(str(p.relative_to(self.data_dir)), p) for p in files]


def _read_json(path: Path, default: Any) -> Any:
    if not path.exists():
        return default
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise UserError(f"{path.name} is not valid JSON: {exc}") from None


def log(line: str) -> None:
    """One log line on stdout, flushed so the platform's log stream sees it now."""
    print(line, flush=True)


def _write_failure(base_dir: Path, text: str) -> None:
    path = base_dir / "output" / "failure"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text[:_FAILURE_LIMIT])


def run_training(algorithm: str, base_dir: Path, shared_dir: Path | None = None) -> int:
    """Run `algorithm` on the tree at `base_dir`: 0 done, 1 user error, 2 internal error;
    on failure `output/failure` says why (the platform adds `ClientError: ` or
    `AlgorithmError: `)."""
    from sagelab.algorithms import registry

    try:
        env = TrainingEnv.load(base_dir, shared_dir)
        env.model_dir.mkdir(parents=True, exist_ok=True)
        env.output_data_dir.mkdir(parents=True, exist_ok=True)
        registry.get(algorithm).train(env)
    except UserError as exc:
        log(f"[ERROR] Customer Error: {exc}")
        _write_failure(base_dir, str(exc))
        return EXIT_USER_ERROR
    except Exception as exc:  # an internal fault; the traceback goes to the job's log
        traceback.print_exc(file=sys.stdout)
        sys.stdout.flush()
        _write_failure(base_dir, f"{type(exc).__name__}: {exc}")
        return EXIT_ALGORITHM_ERROR
    return EXIT_OK
