"""How the platform agent fails: the user's mistake, ours, or a stop; and its entry point,
which turns SIGTERM into that stop."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Protocol


class ClientFault(Exception):
    """The request or its data is wrong (FailureReason `ClientError: …`)."""


class Stopped(BaseException):
    """SIGTERM arrived: StopTrainingJob or MaxRuntimeInSeconds. A BaseException so that an
    algorithm's `except Exception` does not swallow it."""


class Agent(Protocol):
    def run(self) -> int: ...


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    raise Stopped()


def run_agent(module: str, argv: list[str], make: Callable[[Path, str], Agent]) -> int:
    """`python -m <module> <job dir> <host>`: SIGTERM (Stop…Job, MaxRuntimeInSeconds) raises
    Stopped in the agent, which ends its work and reports it."""
    if len(argv) != 2:
        print(f"usage: python -m {module} <job dir> <host>", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _raise_stopped)
    return make(Path(argv[0]), argv[1]).run()
