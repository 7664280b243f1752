"""The runner seam: how the server starts, watches and stops the processes that run user code.

User and model code never runs in the server process (DESIGN.md rule 5); a `Runner` is the
only way out, chosen by URL (`open_runner`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class ProcessSpec:
    name: str  # unique, e.g. "training-job/my-job/algo-1"
    argv: list[str]
    cwd: Path
    env: dict[str, str]  # the child's whole environment (PATH, HOME, LANG filled in if absent)
    log_path: Path  # stdout and stderr, appended


class ProcessState(Enum):
    RUNNING = "running"
    EXITED = "exited"
    LOST = "lost"  # gone without a recorded exit, or never known to this runner


@dataclass(frozen=True)
class ProcessStatus:
    state: ProcessState
    exit_code: int | None  # negative: killed by that signal; None: unknown
    pid: int | None


class Runner(Protocol):
    def start(self, spec: ProcessSpec) -> None: ...

    def poll(self, name: str) -> ProcessStatus: ...

    def stop(self, name: str, grace: float) -> None:
        """SIGTERM now, SIGKILL to everything it started after `grace` s; returns at once."""

    def logs(self, name: str, offset: int = 0) -> tuple[bytes, int]:
        """Output written since `offset` (a bounded amount per call), and the next offset."""

    def adopt(self) -> list[str]:
        """After a restart: track again what still runs, and answer those names."""

    def stop_all(self, grace: float) -> None:
        """End every process this runner tracks, waiting at most `grace` s before SIGKILL."""
