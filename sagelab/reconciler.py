"""The reconciler: the one writer of resource status (DESIGN.md rule 4).

API calls record desired state and `kick()`; each service registers a step that walks its own
resources from what is recorded to what is asked, starting and reaping processes on the way.
Steps run in order on one background thread, so no two of them race each other.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

log = logging.getLogger(__name__)


class Reconcile(Protocol):
    def __call__(self) -> None: ...


class Reconciler:
    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self._steps: list[Reconcile] = []
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def register(self, step: Reconcile) -> None:
        self._steps.append(step)

    def settle(self) -> None:
        """One pass in the caller's thread, before serving: in-flight work is adopted or failed
        (the runner's `adopt()` must have run) before any client can look."""
        self._run_steps()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="sagelab-reconciler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is None:
            return
        self._stopping.set()
        self._wake.set()
        self._thread.join()
        self._thread = None

    def kick(self) -> None:
        """Run the next pass now rather than after the interval."""
        self._wake.set()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            # Cleared before the pass: a kick that lands during it earns another pass.
            self._wake.clear()
            self._run_steps()
            self._wake.wait(self.interval)

    def _run_steps(self) -> None:
        for step in list(self._steps):
            try:
                step()
            except Exception:
                log.exception("reconcile step %r failed", step)
