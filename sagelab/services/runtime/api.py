"""sagemaker-runtime operations (rest-json; signed as `sagemaker`).

InvokeEndpoint forwards the body to one of the endpoint's model servers (`invoker`): the
method looks its route up in the gateway's worker thread and returns the exchange with the
model server as a coroutine, which the gateway awaits on the event loop;
InvokeEndpointAsync queues the request for a worker that reads the input from S3 and writes
the answer there (`async_queue`).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Coroutine
from typing import Any

from sagelab.container import s3uri
from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.base import Deps, ServiceApi
from sagelab.services.runtime import errors
from sagelab.services.runtime.async_queue import (
    ASYNC_TIMEOUT,
    DEFAULT_CONCURRENCY,
    AsyncQueue,
    Queued,
)
from sagelab.services.runtime.invoker import Call, Invoker
from sagelab.services.runtime.routing import Route

_DEFAULT_TTL = 6 * 3600  # RequestTTLSeconds' default


def _headers(
    content_type: str | None, accept: str | None, custom_attributes: str | None
) -> dict[str, str]:
    """What the model server is sent; without a Content-Type, an async request takes its
    input object's."""
    headers = {"Accept": accept or "*/*"}
    if content_type:
        headers["Content-Type"] = content_type
    if custom_attributes:
        headers["X-Amzn-SageMaker-Custom-Attributes"] = custom_attributes
    return headers


class RuntimeApi(ServiceApi):
    service_name = "sagemaker-runtime"
    # Steps before the exchange read cached routes, keys and policies (the store at most
    # every half second per endpoint); the exchange itself is awaited.
    on_event_loop = True

    def __init__(self, deps: Deps) -> None:
        super().__init__(deps)
        self.invoker = Invoker(deps)
        self.queue = AsyncQueue(deps, self.invoker)

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
    ) -> Coroutine[Any, Any, dict[str, Any]]:
        payload = body or b""
        if len(payload) > errors.MAX_PAYLOAD:
            raise errors.payload_too_large(len(payload))
        call = Call(
            ctx.account_id,
            ctx.region,
            endpoint_name,
            payload,
            _headers(content_type or "application/octet-stream", accept, custom_attributes),
            target_variant,
            inference_id,
        )
        route = self.invoker.route(ctx.account_id, ctx.region, endpoint_name, asynchronous=False)
        return self._answer(call, route)

    async def _answer(self, call: Call, route: Route) -> dict[str, Any]:
        served = await self.invoker.invoke(call, route)
        return {
            "Body": served.answer.body,
            "ContentType": served.answer.content_type,
            "InvokedProductionVariant": served.target.variant,
            "CustomAttributes": served.answer.custom_attributes,
        }

    def invoke_endpoint_async(
        self,
        ctx: RequestContext,
        *,
        endpoint_name: str,
        input_location: str,
        body: bytes | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        custom_attributes: str | None = None,
        inference_id: str | None = None,
        request_ttl_seconds: int | None = None,
        invocation_timeout_seconds: int | None = None,
    ) -> Coroutine[Any, Any, dict[str, Any]]:
        if body:
            raise NotImplementedByUs(
                message="A request body on InvokeEndpointAsync is not supported by sagelab: "
                "the input is read from InputLocation"
            )
        route = self.invoker.route(ctx.account_id, ctx.region, endpoint_name, asynchronous=True)
        config = route.async_config or {}
        output = config["OutputConfig"]
        key = str(uuid.uuid4())
        failure = output.get("S3FailurePath")
        call = Call(
            ctx.account_id,
            ctx.region,
            endpoint_name,
            b"",
            _headers(content_type, accept, custom_attributes),
            inference_id=inference_id,
            timeout=float(invocation_timeout_seconds or ASYNC_TIMEOUT),
            asynchronous=True,
        )
        queued = Queued(
            call,
            input_location,
            s3uri.join(output["S3OutputPath"], f"{key}.out"),
            s3uri.join(failure, f"{key}-error.out") if failure else None,
            time.time() + (request_ttl_seconds or _DEFAULT_TTL),
        )
        per_instance = (config.get("ClientConfig") or {}).get(
            "MaxConcurrentInvocationsPerInstance", DEFAULT_CONCURRENCY
        )
        return self._enqueue(
            queued, per_instance * max(route.instance_count, 1), inference_id or key
        )

    async def _enqueue(self, queued: Queued, concurrency: int, inference_id: str) -> dict[str, Any]:
        """Awaited on the event loop, which the queue's workers then hand their exchanges with
        the model servers to."""
        self.queue.submit(queued, concurrency, asyncio.get_running_loop())
        return {
            "InferenceId": inference_id,
            "OutputLocation": queued.output_location,
            "FailureLocation": queued.failure_location,
        }
