"""build_app(settings): the gateway on one port, plus sagelab's own `/_sagelab/` routes.
The lifespan settles what was in flight, then starts the reconciler; shutdown ends every
child process sagelab started.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sagelab import __version__
from sagelab.accounts import RootSecrets, ensure_account, load_root_secrets
from sagelab.billing import UsageMeter
from sagelab.config import Settings
from sagelab.console.app import build_console, wants_console
from sagelab.console.pagekit import PREFIX as CONSOLE_PREFIX
from sagelab.gateway.asgi import ASGIApp, Receive, Scope, Send, gateway_app, request_from_scope
from sagelab.gateway.errors import AccessDenied, ServiceError
from sagelab.gateway.http import HttpRequest
from sagelab.gateway.models import SERVICES, service_model
from sagelab.gateway.pipeline import Gateway, new_request_id
from sagelab.gateway.sigv4 import Credential, authenticate
from sagelab.notebooks.credentials import credentials_route
from sagelab.notebooks.launcher import PROXY_PREFIX
from sagelab.notebooks.proxy import NotebookProxy
from sagelab.reconciler import Reconciler
from sagelab.runner import Runner, open_runner
from sagelab.services.base import Deps
from sagelab.services.iam.authorizer import build_authorizer
from sagelab.services.iam.credentials import lookup_credential
from sagelab.services.registry import build_apis
from sagelab.store.blobs import BlobStore, open_blobs
from sagelab.store.metadata import MetadataStore

log = logging.getLogger("sagelab")
RESERVED_PREFIX = "/_sagelab/"


@dataclass
class Server:
    """Everything one running sagelab holds; built once by `build_server`."""

    settings: Settings
    root: RootSecrets
    meta: MetadataStore
    blobs: BlobStore
    runner: Runner
    reconciler: Reconciler
    apis: dict[str, Any]

    @functools.cached_property
    def gateway(self) -> Gateway:
        return Gateway(
            self.apis, self.lookup, build_authorizer(self.deps), observer=self.meter.observe
        )

    @functools.cached_property
    def meter(self) -> UsageMeter:
        """Billing's meter: S3 requests (observed), hosting and storage, idle auto-stop."""
        return UsageMeter(self.meta, self.apis["sagemaker"])

    @property
    def deps(self) -> Deps:
        return Deps(self.settings, self.meta, self.blobs, self.runner, self.reconciler)

    def lookup(self, access_key_id: str) -> Credential | None:
        if access_key_id == self.root.access_key_id:
            return Credential(access_key_id, self.root.secret_access_key, self.root.principal)
        return lookup_credential(self.meta, access_key_id)

    def startup(self) -> None:
        for name in SERVICES:  # parse the models now, not on a user's first request
            service_model(name)
        self.runner.adopt()
        for api in self.apis.values():
            start = getattr(api, "startup", None)
            if start is not None:
                start()
        self.reconciler.register(self.meter)
        self.reconciler.settle()
        self.reconciler.start()

    def shutdown(self) -> None:
        self.reconciler.stop()
        self.runner.stop_all(grace=5.0)
        self.meta.close()

    def reset(self) -> None:
        """Wipe all state synchronously: children, metadata, blobs; keep the root keys."""
        self.reconciler.stop()
        self.runner.stop_all(grace=2.0)
        self.meta.reset()
        self.blobs.reset()
        ensure_account(self.meta, self.root.account_id)
        self.reconciler.start()


def build_server(settings: Settings) -> Server:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    root = load_root_secrets(settings)
    meta = MetadataStore.open(settings.metadata_url)
    ensure_account(meta, root.account_id)
    blobs = open_blobs(settings.blobs_url)
    runner = open_runner(settings.runner, settings.data_dir / "run")
    reconciler = Reconciler()
    apis = build_apis(Deps(settings, meta, blobs, runner, reconciler))
    return Server(settings, root, meta, blobs, runner, reconciler, apis)


def _health(server: Server) -> dict[str, Any]:
    return {
        "status": "ready",
        "version": __version__,
        "account_id": server.root.account_id,
        "region": server.settings.region,
        "store": {
            "metadata": server.meta.engine.dialect.name,
            "blobs": server.settings.blobs_url.split(":", 1)[0],
        },
        "runner": {"kind": server.settings.runner},
    }


def _signed_by_root(server: Server, req: HttpRequest) -> None:
    body = req.read_body(1 << 20)
    cred, _ = authenticate(req, server.lookup, style="json", now=time.time(), body=body)
    if not cred.principal.is_root:
        raise AccessDenied(message="Only the account's root user may reset sagelab.")


def _internal_routes(server: Server) -> list[Route]:
    async def health(request: Request) -> Response:
        return JSONResponse(_health(server))

    async def reset(request: Request) -> Response:
        if not server.settings.allow_reset:
            return _json_error(
                AccessDenied(message="Reset is disabled: start sagelab with --allow-reset.")
            )
        req = request_from_scope(request.scope, request.receive)
        try:
            await anyio.to_thread.run_sync(_signed_by_root, server, req)
        except ServiceError as err:
            return _json_error(err)
        await anyio.to_thread.run_sync(server.reset)
        return JSONResponse({"reset": True})

    return [
        Route("/_sagelab/health", health, methods=["GET"]),
        Route("/_sagelab/reset", reset, methods=["POST"]),
        credentials_route(server.meta),
    ]


def _json_error(err: ServiceError) -> Response:
    body = json.dumps({"__type": err.code, "message": err.message})
    return Response(
        body,
        status_code=err.status,
        media_type="application/x-amz-json-1.1",
        headers={"x-amzn-RequestId": new_request_id()},
    )


def _for_console(scope: Scope) -> bool:
    path: str = scope["path"]
    if path.startswith(CONSOLE_PREFIX) or (path.endswith("/console") and path.count("/") == 3):
        return path.startswith(RESERVED_PREFIX)
    if path != "/":
        return False
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    query = scope.get("query_string", b"").decode("latin-1")
    return wants_console(scope["method"], path, headers, query)


def build_app(settings: Settings, server: Server | None = None) -> ASGIApp:
    server = server or build_server(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await anyio.to_thread.run_sync(server.startup)
        yield
        await anyio.to_thread.run_sync(server.shutdown)

    internal = Starlette(routes=_internal_routes(server), lifespan=lifespan)
    gateway = gateway_app(server.gateway.handle, server.gateway.on_event_loop)
    notebooks = NotebookProxy(server.meta)
    console = build_console(server)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and scope["path"].startswith(PROXY_PREFIX):
            server.meter.activity.touch(scope["path"][len(PROXY_PREFIX) :].split("/", 1)[0])
            await notebooks(scope, receive, send)
        elif scope["type"] == "http" and _for_console(scope):
            await console(scope, receive, send)
        elif scope["type"] == "lifespan" or scope["path"].startswith(RESERVED_PREFIX):
            await internal(scope, receive, send)
        elif scope["type"] == "http":
            await gateway(scope, receive, send)

    app.server = server  # type: ignore[attr-defined]
    return app
