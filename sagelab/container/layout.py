"""Where a training job's files live, known to both the server and the child.

<job dir>/spec.json              what the platform agent does (written by the server)
<job dir>/aws-config             the child's AWS config: credential_process reading...
<job dir>/credentials.json       ...the execution role's session, refreshed by the server
<job dir>/algo-<n>/              the host's /opt/ml (SAGEMAKER_BASE_DIR)
<job dir>/algo-<n>.status        the host's phase, rewritten atomically by the child
<job dir>/algo-<n>.log           the host's stdout and stderr
<job dir>/algo-<n>.cache/        Pipe-mode channel data, streamed into FIFOs each epoch
<job dir>/shared/                where the hosts of a data-parallel algorithm meet
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Phases a host reports, in order; the terminal ones end the list.
DOWNLOADING = "Downloading"
TRAINING = "Training"
UPLOADING = "Uploading"
COMPLETED = "Completed"
FAILED = "Failed"
STOPPED = "Stopped"
PHASES = (DOWNLOADING, TRAINING, UPLOADING, COMPLETED, FAILED, STOPPED)
TERMINAL = frozenset({COMPLETED, FAILED, STOPPED})


def host_name(index: int) -> str:
    """`algo-1` for the first host: SageMaker numbers them from 1."""
    return f"algo-{index + 1}"


@dataclass(frozen=True)
class JobDir:
    root: Path

    @property
    def spec(self) -> Path:
        return self.root / "spec.json"

    @property
    def aws_config(self) -> Path:
        return self.root / "aws-config"

    @property
    def credentials(self) -> Path:
        return self.root / "credentials.json"

    def base(self, host: str) -> Path:
        return self.root / host

    def status(self, host: str) -> Path:
        return self.root / f"{host}.status"

    def log(self, host: str) -> Path:
        return self.root / f"{host}.log"

    def cache(self, host: str) -> Path:
        return self.root / f"{host}.cache"

    @property
    def shared(self) -> Path:
        return self.root / "shared"


def write_json(path: Path, data: Any) -> None:
    """Atomically: a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    """The file's JSON, or None when it is not there (yet)."""
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None
