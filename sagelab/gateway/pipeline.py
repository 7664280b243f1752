"""The gateway's fixed step list: route, authenticate, parse, validate, authorize, call,
serialize. It runs in a worker thread; nothing here names a service. An api method may return
an awaitable instead of its result (sagemaker-runtime's calls to model servers): the answer is
then a `Pending` the ASGI layer settles on the event loop.
"""

from __future__ import annotations

import inspect
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import cache, partial
from typing import Any, Literal, Protocol

import anyio.from_thread
from botocore import xform_name
from botocore.model import OperationModel

from sagelab.gateway.codec import Codec, codec_for
from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import InternalError, NotImplementedByUs, ServiceError
from sagelab.gateway.http import ClientDisconnected, HttpRequest, HttpResponse
from sagelab.gateway.models import protocol, service_model
from sagelab.gateway.routing import is_probably_s3, route_service
from sagelab.gateway.sigv4 import Credential, SignatureInfo, authenticate
from sagelab.gateway.streaming import decoded_body
from sagelab.gateway.validate import validate

log = logging.getLogger("sagelab.gateway")

# Non-S3 bodies are buffered to hash them for SigV4; runtime payloads are at most 6 MiB.
MAX_BUFFERED_BODY = 16 * 1024 * 1024

# What an api method returns (None for an empty output), or an awaitable of it.
Result = dict[str, Any] | None
AuthStyle = Literal["query", "json", "rest-json", "s3"]
_STYLES: dict[str, AuthStyle] = {
    "query": "query",
    "json": "json",
    "rest-json": "rest-json",
    "rest-xml": "s3",
}


class Authorizer(Protocol):
    """Step 5. Raises AccessDenied; a pass-through until the IAM issue fills it in."""

    def __call__(self, ctx: RequestContext, op: OperationModel, params: dict[str, Any]) -> None: ...


def allow_all(ctx: RequestContext, op: OperationModel, params: dict[str, Any]) -> None:
    return None


class Observer(Protocol):
    """Told of every successful call (billing counts S3 requests); must not block."""

    def __call__(self, ctx: RequestContext, op: OperationModel, params: dict[str, Any]) -> None: ...


@cache
def _codec(service: str) -> Codec:
    return codec_for(service_model(service))


def style_of(service: str) -> AuthStyle:
    return _STYLES[protocol(service_model(service))]


def new_request_id() -> str:
    return str(uuid.uuid4())


class Gateway:
    def __init__(
        self,
        apis: Mapping[str, object],
        lookup: Callable[[str], Credential | None],
        authorizer: Authorizer = allow_all,
        observer: Observer | None = None,
    ) -> None:
        self.apis = apis
        self.lookup = lookup
        self.authorizer = authorizer
        self.observer = observer

    def handle(self, req: HttpRequest) -> HttpResponse | Pending:
        """The answer, or a `Pending` one when the api returned an awaitable (its I/O goes
        on on the event loop, with no worker thread waiting on it)."""
        ctx = RequestContext(request_id=new_request_id(), source_ip=req.client_host)
        ctx.secure_transport = req.scheme == "https"
        where = _Where(ctx, req)
        return self._guarded(where, partial(self._steps, where))

    def on_event_loop(self, req: HttpRequest) -> bool:
        """Whether the request's service runs its requests on the event loop (decided from
        the headers alone; see `ServiceApi.on_event_loop`)."""
        api = self.apis.get(route_service(req, None))
        return bool(getattr(api, "on_event_loop", False))

    def _steps(self, where: _Where) -> HttpResponse | Pending:
        ctx, req = where.ctx, where.req
        body = None if is_probably_s3(req) else req.read_body(MAX_BUFFERED_BODY)
        service = where.service = ctx.service = route_service(req, body)  # 1 route
        early = self._preflight(service, req, ctx)
        if early is not None:
            return self._decorate(ctx, req, early)
        self._authenticate(ctx, req, body)  # 2 authenticate
        codec = _codec(service)
        op, uri_params = codec.match_operation(req)  # 3 parse
        where.op, ctx.operation = op, op.name
        params = codec.parse(op, req, uri_params)
        validate(op, params, style=style_of(service))  # 4 validate
        self.authorizer(ctx, op, params)  # 5 authorize
        result = self._call(ctx, op, params)  # 6 call
        done = partial(self._serialize, where, codec, params)
        if inspect.isawaitable(result):
            return Pending(self, where, result, done)
        return done(result)

    def _serialize(
        self, where: _Where, codec: Codec, params: dict[str, Any], result: Result
    ) -> HttpResponse:
        """Step 7, once the call succeeded."""
        ctx, op = where.ctx, where.op
        assert op is not None
        if self.observer is not None:
            self.observer(ctx, op, params)
        return self._decorate(ctx, where.req, codec.serialize(op, result or {}, ctx))

    def _guarded(
        self, where: _Where, step: Callable[[], HttpResponse | Pending]
    ) -> HttpResponse | Pending:
        """`step`'s answer; a ServiceError it raises answered as the service answers errors."""
        ctx = where.ctx
        try:
            return step()
        except ServiceError as err:
            codec = _codec(where.service)  # known only once step 1 ran
            return self._decorate(ctx, where.req, codec.serialize_error(err, ctx, where.op))
        except ClientDisconnected:
            raise
        except Exception:
            log.exception("request %s (%s %s) failed", ctx.request_id, where.service, ctx.operation)
            internal = InternalError(
                message="We encountered an internal error. Please try again. "
                f"(request id {ctx.request_id})"
            )
            return _codec(where.service).serialize_error(internal, ctx, where.op)

    def invoke(
        self, ctx: RequestContext, service: str, operation: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        """Steps 4 to 6 for a caller already authenticated in-process (the console, from an
        anyio worker thread): the same validation, authorization and api call as a signed
        request gets. An awaitable result is awaited on the event loop."""
        op = service_model(service).operation_model(operation)
        ctx.service, ctx.operation = service, operation
        validate(op, params, style=style_of(service))
        self.authorizer(ctx, op, params)
        result = self._call(ctx, op, params)
        if inspect.isawaitable(result):
            result = anyio.from_thread.run(_awaited, result)
        if self.observer is not None:  # the console's calls are metered like any other
            self.observer(ctx, op, params)
        return result or {}

    def _preflight(
        self, service: str, req: HttpRequest, ctx: RequestContext
    ) -> HttpResponse | None:
        hook = getattr(self.apis.get(service), "preflight", None)
        return hook(req, ctx, self) if hook is not None else None

    def _decorate(self, ctx: RequestContext, req: HttpRequest, resp: HttpResponse) -> HttpResponse:
        hook = getattr(self.apis.get(ctx.service), "response_headers", None)
        if hook is not None:
            resp.headers.extend(hook(ctx, req))
        return resp

    def _authenticate(self, ctx: RequestContext, req: HttpRequest, body: bytes | None) -> None:
        cred, sig = authenticate(
            req, self.lookup, style=style_of(ctx.service), now=time.time(), body=body
        )
        ctx.principal = cred.principal
        ctx.account_id = cred.principal.account_id
        ctx.region = _region(sig)
        if body is None:
            req.body_reader = decoded_body(req, sig)

    def _call(
        self, ctx: RequestContext, op: OperationModel, params: dict[str, Any]
    ) -> Result | Awaitable[Result]:
        api = self.apis.get(ctx.service)
        method = getattr(api, xform_name(op.name), None) if api is not None else None
        if method is None:
            raise NotImplementedByUs(message=f"{op.name} is not implemented by sagelab")
        kwargs = {xform_name(name): value for name, value in params.items()}
        unsupported = sorted(set(kwargs) - _accepted(method))
        if unsupported:
            names = [n for n in params if xform_name(n) in unsupported]
            raise NotImplementedByUs(
                message=f"Parameter {', '.join(names)} of {op.name} is not supported by sagelab"
            )
        result: Result | Awaitable[Result] = method(ctx, **kwargs)
        return result


@dataclass
class _Where:
    """What an error answer needs to know of the request, filled in as the steps go."""

    ctx: RequestContext
    req: HttpRequest
    service: str = "s3"
    op: OperationModel | None = None


class Pending:
    """The rest of a request whose api call returned an awaitable: `settle` awaits it on the
    event loop and serializes its result, or its error, as a synchronous call's."""

    def __init__(
        self,
        gateway: Gateway,
        where: _Where,
        call: Awaitable[Result],
        done: Callable[[Result], HttpResponse],
    ) -> None:
        self._gateway, self._where, self._call, self._done = gateway, where, call, done

    async def settle(self) -> HttpResponse:
        try:
            result = await self._call
        except Exception as exc:
            step: Callable[[], HttpResponse | Pending] = partial(_reraise, exc)
        else:
            step = partial(self._done, result)
        answer = self._gateway._guarded(self._where, step)
        assert isinstance(answer, HttpResponse)
        return answer


def _reraise(exc: Exception) -> HttpResponse:
    raise exc


async def _awaited(awaitable: Awaitable[Result]) -> Result:
    return await awaitable


@cache
def _accepted_by(func: Callable[..., Any]) -> frozenset[str]:
    return frozenset(list(inspect.signature(func).parameters)[1:])


def _accepted(method: Callable[..., Any]) -> frozenset[str]:
    # Bound methods are new objects on every access; cache on the underlying function.
    return _accepted_by(getattr(method, "__func__", method))


def _region(sig: SignatureInfo) -> str:
    # IAM's global endpoint signs as us-east-1 or the client's region; either is fine.
    return sig.region or "us-east-1"
