"""HTTP to model servers on loopback ports, from the event loop, over kept-alive connections
(one idle pool per port): a request costs one round trip, not a TCP handshake, and no
worker thread waits on it. Answers are parsed by httptools (the C parser uvicorn uses);
http.client's header parsing alone was a tenth of InvokeEndpoint's CPU."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import cast

import httptools

TIMEOUT = 60.0  # the container contract's per-request limit
_POOL_MAX = 64
_FORWARDED = ("Content-Type", "Accept", "X-Amzn-SageMaker-Custom-Attributes")
_KEPT = {b"content-type": "content_type", b"x-amzn-sagemaker-custom-attributes": "custom"}


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


class _Connection(asyncio.Protocol):
    """One connection to a model server, carrying one exchange at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.open = False
        self._parser = httptools.HttpResponseParser(self)
        self._answer: asyncio.Future[Answer] | None = None
        self._body: list[bytes] = []
        self._kept: dict[str, str] = {}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports do not subclass asyncio.Transport, but are one
        self.transport, self.open = cast(asyncio.Transport, transport), True

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        self._settle(Unreachable(f"the model server closed the connection ({exc})"))

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as err:
            self.close()
            self._settle(Unreachable(f"the model server's answer is not HTTP ({err})"))

    # httptools' callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        kept = _KEPT.get(name.lower())
        if kept is not None:
            self._kept[kept] = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        if not self._parser.should_keep_alive():
            self.close()
        answer = Answer(
            self._parser.get_status_code(),
            b"".join(self._body),
            self._kept.get("content_type"),
            self._kept.get("custom"),
        )
        if self._answer is not None and not self._answer.done():
            self._answer.set_result(answer)

    async def exchange(self, request: bytes, timeout: float) -> Answer:
        assert self.transport is not None
        loop = asyncio.get_running_loop()
        self._body, self._kept = [], {}
        answer: asyncio.Future[Answer] = loop.create_future()
        self._answer = answer
        timer = loop.call_later(timeout, self._settle, TimedOut())
        self.transport.write(request)
        try:
            return await answer
        finally:
            timer.cancel()
            self._answer = None

    def _settle(self, error: Exception) -> None:
        if self._answer is not None and not self._answer.done():
            if isinstance(error, TimedOut):
                self.close()  # a late answer must not be read as the next request's
            self._answer.set_exception(error)

    def close(self) -> None:
        self.open = False
        if self.transport is not None:
            self.transport.close()


def _request(body: bytes, headers: dict[str, str]) -> bytes:
    lines = ["POST /invocations HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in headers.items() if k in _FORWARDED]
    lines.append(f"Content-Length: {len(body)}\r\n\r\n")
    return "\r\n".join(lines).encode("latin-1") + body


class Upstream:
    """Used from the event loop only, so its pools need no lock."""

    def __init__(self) -> None:
        self._idle: dict[int, list[_Connection]] = {}

    async def _take(self, port: int) -> _Connection:
        idle = self._idle.get(port)
        while idle:
            conn = idle.pop()
            if conn.open:
                return conn
        loop = asyncio.get_running_loop()
        try:
            _, conn = await loop.create_connection(_Connection, "127.0.0.1", port)
        except OSError as err:
            raise Unreachable(str(err)) from err
        return conn

    def _give(self, port: int, conn: _Connection) -> None:
        idle = self._idle.setdefault(port, [])
        if conn.open and len(idle) < _POOL_MAX:
            idle.append(conn)
        else:
            conn.close()

    async def invoke(
        self, port: int, body: bytes, headers: dict[str, str], timeout: float = TIMEOUT
    ) -> Answer:
        conn = await self._take(port)
        try:
            answer = await conn.exchange(_request(body, headers), timeout)
        except BaseException:
            conn.close()
            raise
        self._give(port, conn)
        return answer
