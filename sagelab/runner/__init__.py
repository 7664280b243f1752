"""Runners: where user code runs. `open_runner` picks one by URL."""

from __future__ import annotations

from pathlib import Path

from sagelab.runner.base import ProcessSpec, ProcessState, ProcessStatus, Runner
from sagelab.runner.local import LocalRunner

__all__ = ["LocalRunner", "ProcessSpec", "ProcessState", "ProcessStatus", "Runner", "open_runner"]


def open_runner(url: str, state_dir: Path) -> Runner:
    """`local` (the default): child processes of this server; `ray://…`: a Ray cluster."""
    if url in ("", "local"):
        return LocalRunner(state_dir)
    if url.startswith("ray://"):
        raise NotImplementedError(f"runner {url!r}: the Ray runner is not built yet")
    raise ValueError(f"runner {url!r}: expected 'local' or a ray:// URL")
