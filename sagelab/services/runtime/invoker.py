"""One invocation of an endpoint, synchronous or queued, awaited on the event loop: route it
to an instance that takes it (skipping ones that crashed while the reconciler restarts them),
count it (`meter`), and capture it when the endpoint's serving config asks (`capture`)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from sagelab.services.base import Deps
from sagelab.services.runtime import capture, errors
from sagelab.services.runtime.meter import Meter
from sagelab.services.runtime.routing import Route, Router, Target
from sagelab.services.runtime.upstream import TIMEOUT, Answer, TimedOut, Unreachable, Upstream

# How long to look for an instance that takes the request, while crashed ones restart.
_FIND_INSTANCE_FOR = 10.0
_RETRY_PAUSE = 0.05


@dataclass(frozen=True)
class Call:
    account: str
    region: str
    endpoint: str
    body: bytes
    headers: dict[str, str]  # Content-Type, Accept and custom attributes, as forwarded
    variant: str | None = None
    inference_id: str | None = None
    timeout: float = TIMEOUT
    asynchronous: bool = False


@dataclass(frozen=True)
class Served:
    target: Target
    answer: Answer


class Invoker:
    def __init__(self, deps: Deps) -> None:
        self.router = Router(deps.meta)
        self.upstream = Upstream()
        self.meter = Meter(deps.meta)
        self.capture = capture.Sink(deps, deps.reconciler)
        deps.reconciler.register(self.meter)
        deps.reconciler.register(self.capture)

    def route(self, account: str, region: str, endpoint: str, asynchronous: bool) -> Route:
        """The endpoint's route; an endpoint of the other kind (real-time vs async) is not
        found by this kind of call."""
        route = self.router.route(account, region, endpoint)
        if route is None or (route.async_config is not None) != asynchronous:
            raise errors.EndpointNotFound(endpoint, account)
        return route

    async def invoke(self, call: Call, route: Route) -> Served:
        """The 2xx answer; a ModelError otherwise. Runs on the event loop; `route` is the
        call's, looked up beforehand in a worker thread (it may read the store)."""
        started = time.perf_counter()
        route, target, answer, model = await self._send(call, route)
        overhead = time.perf_counter() - started - model
        at = time.time()
        self.meter.record_invocation(
            (call.account, call.region, route.name, target.variant),
            at,
            answer.status,
            model,
            overhead,
        )
        if not 200 <= answer.status < 300:
            raise errors.model_error(
                call.region, call.account, route.name, answer.status, answer.body
            )
        if route.capture is not None and route.capture.sampled():
            event = capture.Event(
                at,
                call.inference_id,
                (call.headers.get("Content-Type"), call.body),
                (answer.content_type, answer.body),
            )
            where = (call.account, route.capture.destination, route.name, target.variant)
            self.capture.add(where, route.capture, event)
        return Served(target, answer)

    async def _send(self, call: Call, route: Route) -> tuple[Route, Target, Answer, float]:
        """The route and instance that answered, its answer, and how long it took (s)."""
        avoid: set[int] = set()
        deadline = time.monotonic() + _FIND_INSTANCE_FOR
        while True:
            if call.variant is not None and call.variant not in route.variants:
                raise errors.unknown_variant(call.variant, call.endpoint)
            target = route.pick(call.variant, avoid)
            if target is None:
                if time.monotonic() > deadline:
                    raise errors.no_instance(call.endpoint)
                await asyncio.sleep(_RETRY_PAUSE)
                self.router.forget(call.account, call.region, call.endpoint)
                avoid.clear()
                route = self.route(call.account, call.region, call.endpoint, call.asynchronous)
                continue
            try:
                sent = time.perf_counter()
                answer = await self.upstream.invoke(
                    target.port, call.body, call.headers, call.timeout
                )
                return route, target, answer, time.perf_counter() - sent
            except Unreachable:
                avoid.add(target.port)
            except TimedOut as err:
                raise errors.model_timeout(call.endpoint) from err
