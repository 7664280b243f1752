"""ASGI <-> the gateway's HttpRequest/HttpResponse. The pipeline runs in a worker thread (an
api's awaitable result is then awaited on the event loop);
the request body is pulled from ASGI on demand and the response body streamed out chunk by
chunk, so neither is ever held whole in memory.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sagelab.gateway.http import (
    BytesReader,
    ClientDisconnected,
    HttpRequest,
    HttpResponse,
    PullReader,
)
from sagelab.gateway.pipeline import Pending

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Handler = Callable[[HttpRequest], HttpResponse | Pending]


# The worker thread pulls body bytes from the event loop in batches of about this size:
# servers deliver bodies in small messages, and one thread hop per message starves uploads.
PULL_BATCH = 1 << 20
# A body up to this size is read on the event loop before the worker thread starts: pulling
# it from the thread would cost two more thread hops per request (measured on InvokeEndpoint).
PRELOAD_MAX = 64 * 1024


# The gateway's worker threads. anyio's to_thread hop cost a sixth of a small request's CPU
# (async-library sniffing, cancel scopes, a capacity limiter); the executor's hop is the bare
# one. As many as anyio's default limit: uploads hold a thread while their body streams in.
_WORKERS = ThreadPoolExecutor(max_workers=40, thread_name_prefix="gateway")
T = TypeVar("T")


async def in_worker(func: Callable[..., T], *args: Any) -> T:
    return await asyncio.get_running_loop().run_in_executor(_WORKERS, func, *args)


def request_from_scope(scope: Scope, receive: Receive) -> HttpRequest:
    """Built on the event loop; its body is then read from any other thread."""
    more = True
    loop = asyncio.get_running_loop()

    async def next_batch() -> bytes:
        nonlocal more
        parts: list[bytes] = []
        size = 0
        while more and size < PULL_BATCH:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnected()
            more = bool(message.get("more_body", False))
            chunk: bytes = message.get("body", b"")
            if chunk:
                parts.append(chunk)
                size += len(chunk)
        return b"".join(parts)

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
        body_reader=PullReader(
            lambda: asyncio.run_coroutine_threadsafe(next_batch(), loop).result()
        ),
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
            chunk = await in_worker(next, chunks, None)
            if chunk is None:
                break
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            await in_worker(close)


async def _preload(req: HttpRequest, receive: Receive) -> bool:
    """Read a small body with a Content-Length now, on the event loop; whether it was."""
    length = req.header("content-length")
    if req.header("transfer-encoding") is not None or not (length or "").isdigit():
        return False
    if int(length or 0) > PRELOAD_MAX:
        return False
    parts: list[bytes] = []
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnected()
        parts.append(message.get("body", b""))
        more = bool(message.get("more_body", False))
    req.body_reader = BytesReader(b"".join(parts))
    return True


def _has_body(req: HttpRequest) -> bool:
    length = req.header("content-length")
    return req.header("transfer-encoding") is not None or (length is not None and length != "0")


def gateway_app(handle: Handler, on_event_loop: Callable[[HttpRequest], bool]) -> ASGIApp:
    """An ASGI app answering every HTTP request through `handle`, run in a worker thread
    unless the body is in memory and `on_event_loop` says the request may run on the loop."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body_read = False

        async def tracked() -> Message:
            nonlocal body_read
            message = await receive()
            body_read = body_read or not message.get("more_body", False)
            return message

        req = request_from_scope(scope, tracked)
        try:
            loaded = await _preload(req, tracked)
            if loaded and on_event_loop(req):
                resp = handle(req)
            else:
                resp = await in_worker(handle, req)
            if isinstance(resp, Pending):
                resp = await resp.settle()
        except ClientDisconnected:
            return
        if not body_read and _has_body(req):
            # Answered before the body was read (an error, or `Expect: 100-continue` never
            # granted): the client may or may not send it, so the connection cannot be reused.
            resp.set_header("Connection", "close")
        await send_response(resp, send, head=req.method == "HEAD")

    return app
