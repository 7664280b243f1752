"""HTTP to model servers on loopback ports, over kept-alive connections (one idle pool per
port): a request costs one round trip, not a TCP handshake."""

from __future__ import annotations

import http.client
import threading
from dataclasses import dataclass

TIMEOUT = 60.0  # the container contract's per-request limit
_POOL_MAX = 64
_FORWARDED = ("Content-Type", "Accept", "X-Amzn-SageMaker-Custom-Attributes")


class Unreachable(Exception):
    """The instance did not take the request (gone, or restarting): another may."""


class TimedOut(Exception):
    pass


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str | None
    custom_attributes: str | None


class Upstream:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: dict[int, list[http.client.HTTPConnection]] = {}

    def _take(self, port: int) -> http.client.HTTPConnection:
        with self._lock:
            idle = self._idle.get(port)
            if idle:
                return idle.pop()
        return http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)

    def _give(self, port: int, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(port, [])
            if len(idle) < _POOL_MAX:
                idle.append(conn)
                return
        conn.close()

    def invoke(
        self, port: int, body: bytes, headers: dict[str, str], timeout: float = TIMEOUT
    ) -> Answer:
        sent = {k: v for k, v in headers.items() if k in _FORWARDED}
        conn = self._take(port)
        if conn.timeout != timeout:  # async invocations have their own limit
            conn.timeout = timeout
            if conn.sock is not None:
                conn.sock.settimeout(timeout)
        try:
            conn.request("POST", "/invocations", body=body, headers=sent)
            resp = conn.getresponse()
            data = resp.read()
        except TimeoutError as err:
            conn.close()
            raise TimedOut() from err
        except (OSError, http.client.HTTPException) as err:
            conn.close()
            raise Unreachable(str(err)) from err
        self._give(port, conn)
        return Answer(
            resp.status,
            data,
            resp.getheader("Content-Type"),
            resp.getheader("X-Amzn-SageMaker-Custom-Attributes"),
        )
