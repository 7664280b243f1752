"""What the hosting stories share: waiting for an endpoint, request bodies."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from training_kit import regression_data


def wait_endpoint(sm: Any, name: str, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found: dict[str, Any] = sm.describe_endpoint(EndpointName=name)
        if found["EndpointStatus"] not in ("Creating", "Updating"):
            return found
        time.sleep(0.05)
    raise AssertionError(f"{name} still {found['EndpointStatus']} after {timeout}s")


def csv_body(rows: int = 3) -> bytes:
    x, _ = regression_data(rows)
    return "\n".join(",".join(str(v) for v in row) for row in x).encode()


class Load:
    """Clients invoking an endpoint without pause, on their own threads, counting what came
    back: a steady request stream to change the endpoint under."""

    def __init__(self, runtime: Any, name: str, clients: int = 4) -> None:
        self.runtime, self.name = runtime, name
        self.ok = 0
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run) for _ in range(clients)]

    def _run(self) -> None:
        body = csv_body(1)
        while not self._stop.is_set():
            try:
                self.runtime.invoke_endpoint(
                    EndpointName=self.name, Body=body, ContentType="text/csv"
                )
                self.ok += 1
            except Exception as err:  # every failure is the test's finding
                self.failures.append(repr(err))

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()


def model_server_pids(name: str) -> list[int]:
    """The model server processes of endpoint `name` (not their runner wrappers)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        ours = any(f"/{name.lower()}/".encode() in a for a in argv)
        if ours and b"sagelab.container.serve" in argv and not any(b"wrapper" in a for a in argv):
            found.append(int(cmdline.parent.name))
    return found
