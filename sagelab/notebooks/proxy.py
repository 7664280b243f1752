"""The notebook proxy: `/_sagelab/notebooks/<name>/…` on sagelab's port → that instance's
JupyterLab on 127.0.0.1, HTTP and WebSockets, streamed both ways.

A presigned URL's one-time `authToken` opens a browser session: a cookie scoped to the
instance's path. Without one the proxy answers 403; an instance that is not InService, 409.
JupyterLab itself is reached with its own token, which never leaves the server.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import cast
from urllib.parse import parse_qs, quote

import anyio
import anyio.to_thread
import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException
from websockets.typing import Subprotocol

from sagelab.gateway.asgi import Receive, Scope, Send
from sagelab.notebooks.launcher import PROXY_PREFIX
from sagelab.services.iam import keyring
from sagelab.services.sagemaker.notebooks import instances, runtimes, sessions
from sagelab.store.metadata import MetadataStore

COOKIE = "sagelab-notebook"
# Not forwarded: hop-by-hop headers, and what the proxy sets itself.
_REQUEST_DROPS = frozenset({
    b"connection", b"keep-alive", b"proxy-authorization", b"te", b"trailer",
    b"transfer-encoding", b"upgrade", b"host", b"authorization", b"origin",
})  # fmt: skip
_RESPONSE_DROPS = frozenset({b"connection", b"keep-alive", b"transfer-encoding", b"upgrade"})
_REFUSALS = {
    403: "Open this notebook instance through a presigned URL "
    "(CreatePresignedNotebookInstanceUrl).",
    404: "The notebook instance does not exist.",
    409: "The notebook instance is not InService.",
}


@dataclass(frozen=True)
class Target:
    port: int
    token: str


def _without_our_cookie(value: bytes) -> bytes:
    kept = [c for c in value.split(b";") if c.strip().split(b"=", 1)[0] != COOKIE.encode()]
    return b";".join(kept).strip()


def _our_cookie(scope: Scope) -> str | None:
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    for key, value in headers:
        if key != b"cookie":
            continue
        for part in value.decode("latin-1").split(";"):
            name, _, secret = part.strip().partition("=")
            if name == COOKIE:
                return secret
    return None


def _upstream_headers(scope: Scope, target: Target) -> list[tuple[bytes, bytes]]:
    headers = []
    for key, value in scope["headers"]:
        if key in _REQUEST_DROPS:
            continue
        if key == b"cookie":
            value = _without_our_cookie(value)
            if not value:
                continue
        headers.append((key, value))
    headers.append((b"authorization", f"token {target.token}".encode()))
    return headers


def _upstream_url(scope: Scope, target: Target, scheme: str) -> str:
    path = scope.get("raw_path") or quote(scope["path"]).encode()
    query = scope.get("query_string") or b""
    url = f"{scheme}://127.0.0.1:{target.port}{path.decode('latin-1')}"
    return url + (f"?{query.decode('latin-1')}" if query else "")


async def _request_body(receive: Receive) -> AsyncIterator[bytes]:
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return
        yield message.get("body", b"")
        if not message.get("more_body"):
            return


class NotebookProxy:
    def __init__(self, meta: MetadataStore) -> None:
        self.meta = meta
        self._client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        name = scope["path"][len(PROXY_PREFIX) :].split("/", 1)[0]
        token = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("authToken")
        if scope["type"] == "http" and token:
            await self._sign_in(name, token[0], send)
            return
        verdict = await anyio.to_thread.run_sync(self._target, name, _our_cookie(scope))
        if isinstance(verdict, int):
            await _refuse(scope, send, verdict)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send, verdict)
        else:
            await self._http(scope, receive, send, verdict)

    def _target(self, name: str, cookie: str | None) -> Target | int:
        with self.meta.connect() as conn:
            key = sessions.session(conn, cookie, name, time.time()) if cookie else None
            if key is None:
                return 403
            inst = instances.find(conn, instances.scope(key[0], key[1]), key[2])
            if inst is None:
                return 404
            current = runtimes.find(conn, keyring.of(self.meta), key)
        if inst.status != instances.IN_SERVICE or current is None:
            return 409
        return Target(current.port, current.jupyter_token)

    def _redeem(self, name: str, token: str) -> str | None:
        with self.meta.begin() as conn:
            return sessions.redeem(conn, token, name, time.time())

    async def _sign_in(self, name: str, token: str, send: Send) -> None:
        cookie = await anyio.to_thread.run_sync(self._redeem, name, token)
        if cookie is None:
            await _text(send, 403, "The presigned URL is invalid, used or expired.")
            return
        path = f"{PROXY_PREFIX}{name}/"
        set_cookie = f"{COOKIE}={cookie}; Path={path}; HttpOnly; SameSite=Lax"
        headers = [(b"location", f"{path}lab".encode()), (b"set-cookie", set_cookie.encode())]
        await send({"type": "http.response.start", "status": 302, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    def _http_client(self) -> httpx.AsyncClient:
        if self._client is None:
            limits = httpx.Limits(max_connections=None, max_keepalive_connections=64)
            timeout = httpx.Timeout(None, connect=10.0)
            self._client = httpx.AsyncClient(limits=limits, timeout=timeout)
        return self._client

    async def _http(self, scope: Scope, receive: Receive, send: Send, target: Target) -> None:
        headers = _upstream_headers(scope, target)
        has_body = any(k in (b"content-length", b"transfer-encoding") for k, _ in scope["headers"])
        client = self._http_client()
        request = client.build_request(
            scope["method"],
            _upstream_url(scope, target, "http"),
            headers=headers,
            content=_request_body(receive) if has_body else None,
        )
        try:
            response = await client.send(request, stream=True)
        except httpx.HTTPError:
            await _text(send, 502, "JupyterLab is not answering.")
            return
        try:
            kept = [(k, v) for k, v in response.headers.raw if k.lower() not in _RESPONSE_DROPS]
            await send(
                {"type": "http.response.start", "status": response.status_code, "headers": kept}
            )
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()

    async def _websocket(self, scope: Scope, receive: Receive, send: Send, target: Target) -> None:
        await receive()  # websocket.connect
        offered = [cast(Subprotocol, p) for p in scope.get("subprotocols") or []]
        try:
            upstream = await connect(
                _upstream_url(scope, target, "ws"),
                additional_headers=[
                    (k.decode("latin-1"), v.decode("latin-1"))
                    for k, v in _upstream_headers(scope, target)
                    if not k.startswith(b"sec-websocket")
                ],
                subprotocols=offered or None,
                max_size=None,
                compression=None,
            )
        except (OSError, WebSocketException):
            await send({"type": "websocket.close", "code": 1011})
            return
        async with upstream:
            await send({"type": "websocket.accept", "subprotocol": upstream.subprotocol})
            async with anyio.create_task_group() as group:
                group.start_soon(_downstream, upstream, send, group.cancel_scope)
                await _upstream(receive, upstream)
                group.cancel_scope.cancel()


async def _upstream(receive: Receive, upstream: ClientConnection) -> None:
    """Browser → JupyterLab, until the browser goes."""
    while True:
        message = await receive()
        if message["type"] != "websocket.receive":
            return
        data = message.get("text")
        with contextlib.suppress(ConnectionClosed):
            await upstream.send(data if data is not None else message.get("bytes") or b"")


async def _downstream(upstream: ClientConnection, send: Send, scope: anyio.CancelScope) -> None:
    """JupyterLab → browser, until JupyterLab goes; then the browser is told."""
    try:
        async for data in upstream:
            key = "text" if isinstance(data, str) else "bytes"
            await send({"type": "websocket.send", key: data})
    except ConnectionClosed:
        pass
    with contextlib.suppress(Exception):
        await send({"type": "websocket.close", "code": upstream.close_code or 1000})
    scope.cancel()


async def _refuse(scope: Scope, send: Send, status: int) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
    else:
        await _text(send, status, _REFUSALS[status])


async def _text(send: Send, status: int, message: str) -> None:
    body = message.encode()
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
