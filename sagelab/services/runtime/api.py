"""sagemaker-runtime operations (rest-json; signed as `sagemaker`).

InvokeEndpoint forwards the body to one of the endpoint's model servers (`routing`), over a
kept-alive loopback connection (`upstream`), and counts it (`meter`, flushed by the
reconciler). An instance that does not take the request (it crashed, and the reconciler is
starting it again) is skipped for another one.
"""

from __future__ import annotations

import time
from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.services.base import Deps, ServiceApi
from sagelab.services.runtime import errors
from sagelab.services.runtime.meter import Meter
from sagelab.services.runtime.routing import Route, Router, Target
from sagelab.services.runtime.upstream import Answer, TimedOut, Unreachable, Upstream

# How long to look for an instance that takes the request, while crashed ones restart.
_FIND_INSTANCE_FOR = 10.0
_RETRY_PAUSE = 0.05


class RuntimeApi(ServiceApi):
    service_name = "sagemaker-runtime"

    def __init__(self, deps: Deps) -> None:
        super().__init__(deps)
        self.router = Router(deps.meta)
        self.upstream = Upstream()
        self.meter = Meter(deps.meta)
        deps.reconciler.register(self.meter)

    def _route(self, ctx: RequestContext, endpoint: str) -> Route:
        route = self.router.route(ctx.account_id, ctx.region, endpoint)
        if route is None:
            raise errors.EndpointNotFound(endpoint, ctx.account_id)
        return route

    def _send(
        self,
        ctx: RequestContext,
        endpoint: str,
        variant: str | None,
        body: bytes,
        headers: dict[str, str],
    ) -> tuple[Target, Answer, float]:
        """The instance that answered, its answer, and how long it took (seconds)."""
        avoid: set[int] = set()
        deadline = time.monotonic() + _FIND_INSTANCE_FOR
        route = self._route(ctx, endpoint)
        while True:
            if variant is not None and variant not in route.variants:
                raise errors.unknown_variant(variant, endpoint)
            target = route.pick(variant, avoid)
            if target is None:
                if time.monotonic() > deadline:
                    raise errors.no_instance(endpoint)
                time.sleep(_RETRY_PAUSE)
                self.router.forget(ctx.account_id, ctx.region, endpoint)
                avoid.clear()
                route = self._route(ctx, endpoint)
                continue
            try:
                sent = time.perf_counter()
                answer = self.upstream.invoke(target.port, body, headers)
                return target, answer, time.perf_counter() - sent
            except Unreachable:
                avoid.add(target.port)
            except TimedOut as err:
                raise errors.model_timeout(endpoint) from err

    def invoke_endpoint(
        self,
        ctx: RequestContext,
        *,
        endpoint_name: str,
        body: bytes | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        custom_attributes: str | None = None,
        target_variant: str | None = None,
        inference_id: str | None = None,
    ) -> dict[str, Any]:
        started = time.perf_counter()
        payload = body or b""
        if len(payload) > errors.MAX_PAYLOAD:
            raise errors.payload_too_large(len(payload))
        headers = {
            "Content-Type": content_type or "application/octet-stream",
            "Accept": accept or "*/*",
        }
        if custom_attributes:
            headers["X-Amzn-SageMaker-Custom-Attributes"] = custom_attributes
        target, answer, model = self._send(ctx, endpoint_name, target_variant, payload, headers)
        overhead = time.perf_counter() - started - model
        self._count(ctx, endpoint_name, target.variant, answer.status, model, overhead)
        if not 200 <= answer.status < 300:
            raise errors.model_error(
                ctx.region, ctx.account_id, endpoint_name, answer.status, answer.body
            )
        return {
            "Body": answer.body,
            "ContentType": answer.content_type,
            "InvokedProductionVariant": target.variant,
            "CustomAttributes": answer.custom_attributes,
        }

    def _count(
        self,
        ctx: RequestContext,
        endpoint: str,
        variant: str,
        status: int,
        model: float,
        overhead: float,
    ) -> None:
        metrics = {
            "Invocations": (1.0, "Count"),
            "ModelLatency": (model * 1e6, "Microseconds"),
            "OverheadLatency": (overhead * 1e6, "Microseconds"),
        }
        if 400 <= status < 500:
            metrics["Invocation4XXErrors"] = (1.0, "Count")
        elif status >= 500:
            metrics["Invocation5XXErrors"] = (1.0, "Count")
        self.meter.record((ctx.account_id, ctx.region, endpoint, variant), time.time(), metrics)
