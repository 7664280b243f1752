"""What the console page benches share: a throwaway `sagelab serve`, a browser-like client
signed in as root through the real sign-in form, and the comparison they print: a console
page's median time against the API call underneath it, measured in the same run, and the
page's own server time from its `Server-Timing` header."""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from sagelab.testing import SagelabServer, console_sign_in

CONSOLE = "/_sagelab/console"
WARMUP = 5


@contextmanager
def serving() -> Iterator[SagelabServer]:
    """A fresh server on its own data folder, stopped afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        server = SagelabServer(Path(tmp) / "data")
        server.start()
        try:
            yield server
        finally:
            server.stop()


def signed_in(server: SagelabServer) -> httpx.Client:
    web, status = console_sign_in(server)
    assert status == 303, f"sign-in failed: {status}"
    return web


def page_getter(web: httpx.Client, path: str, expect: str) -> Callable[[], httpx.Response]:
    """A GET of the console page `path` that fails unless it answers 200 showing `expect`."""

    def get() -> httpx.Response:
        response = web.get(CONSOLE + path)
        assert response.status_code == 200 and expect in response.text, response.status_code
        return response

    return get


def _median(call: Callable[[], Any], n: int) -> tuple[float, list[Any]]:
    times, results = [], []
    for _ in range(n):
        start = time.perf_counter()
        results.append(call())
        times.append(time.perf_counter() - start)
    return statistics.median(times), results


def _server_ms(response: httpx.Response) -> float:
    match = re.search(r"dur=([0-9.]+)", response.headers.get("server-timing", ""))
    assert match is not None, "no Server-Timing header"
    return float(match.group(1))


def compare(
    label: str,
    api: Callable[[], Any],
    page: Callable[[], httpx.Response],
    calls: int,
) -> None:
    """Prints the page's and the API call's p50 after warming both, and their ratio."""
    for _ in range(WARMUP):
        api(), page()
    api_s, _ = _median(api, calls)
    page_s, pages = _median(page, calls)
    server_ms = statistics.median(_server_ms(r) for r in pages)
    print(f"{label}: API p50 {api_s * 1000:.1f} ms, page p50 {page_s * 1000:.1f} ms, "
          f"page server time {server_ms:.1f} ms (target < 200), "
          f"ratio {page_s / api_s:.2f} (target <= 2)")  # fmt: skip
