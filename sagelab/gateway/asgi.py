"""ASGI <-> the gateway's HttpRequest/HttpResponse. The pipeline runs in a worker thread;
the request body is pulled from ASGI on demand and the response body streamed out chunk by
chunk, so neither is ever held whole in memory.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import Any

import anyio
import anyio.from_thread
import anyio.to_thread

from sagelab.gateway.http import ClientDisconnected, HttpRequest, HttpResponse, PullReader

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Handler = Callable[[HttpRequest], HttpResponse]


def _request_from_scope(scope: Scope, receive: Receive) -> HttpRequest:
    more = True

    async def next_chunk() -> bytes:
        nonlocal more
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnected()
            more = bool(message.get("more_body", False))
            chunk: bytes = message.get("body", b"")
            if chunk:
                return chunk
        return b""

    headers = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope["headers"]]
    raw_path = scope.get("raw_path") or scope["path"].encode()
    client = scope.get("client") or ("127.0.0.1", 0)
    server = scope.get("server") or ("127.0.0.1", 0)
    host = next((v for k, v in headers if k == "host"), f"{server[0]}:{server[1]}")
    return HttpRequest(
        method=scope["method"],
        raw_path=raw_path.decode("latin-1").split("?", 1)[0],
        query_string=scope.get("query_string", b"").decode("latin-1"),
        headers=headers,
        client_host=client[0],
        scheme=scope.get("scheme", "http"),
        host=host,
        body_reader=PullReader(lambda: anyio.from_thread.run(next_chunk)),
    )


async def send_response(resp: HttpResponse, send: Send, *, head: bool = False) -> None:
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in resp.headers]
    if isinstance(resp.body, bytes | bytearray) and resp.header("content-length") is None:
        headers.append((b"content-length", str(len(resp.body)).encode()))
    await send({"type": "http.response.start", "status": resp.status, "headers": headers})
    if isinstance(resp.body, bytes | bytearray) or head:
        whole = resp.body if isinstance(resp.body, bytes | bytearray) and not head else b""
        await send({"type": "http.response.body", "body": bytes(whole)})
        return
    chunks: Iterator[bytes] = iter(resp.body)
    try:
        while True:
            chunk = await anyio.to_thread.run_sync(next, chunks, None)
            if chunk is None:
                break
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            await anyio.to_thread.run_sync(close)


def gateway_app(handle: Handler) -> ASGIApp:
    """An ASGI app answering every HTTP request through `handle` (run in a worker thread)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        req = _request_from_scope(scope, receive)
        try:
            resp = await anyio.to_thread.run_sync(handle, req)
        except ClientDisconnected:
            return
        await send_response(resp, send, head=req.method == "HEAD")

    return app
