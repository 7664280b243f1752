"""Async inference: InvokeEndpointAsync queues a request; a worker reads its input from S3,
invokes the endpoint like InvokeEndpoint does, and writes the answer to
`<S3OutputPath>/<id>.out` or, when the model or the input fails, the reason to
`<S3FailurePath>/<id>-error.out`.

At most `MaxConcurrentInvocationsPerInstance` (default `DEFAULT_CONCURRENCY`) requests per
serving instance run at once; the rest wait in the queue. The queue is in memory: requests
still queued when sagelab stops are lost.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from sagelab.gateway.errors import ServiceError
from sagelab.services.base import Deps
from sagelab.services.runtime import s3_objects
from sagelab.services.runtime.invoker import Call, Invoker

log = logging.getLogger(__name__)

WORKERS = 16
DEFAULT_CONCURRENCY = 4
ASYNC_TIMEOUT = 900.0  # InvocationTimeoutSeconds' default


@dataclass(frozen=True)
class Queued:
    call: Call  # its body still empty: the input is read when the request runs
    input_location: str
    output_location: str
    failure_location: str | None
    expires: float  # time.time() after which the request is dropped unrun


class AsyncQueue:
    def __init__(self, deps: Deps, invoker: Invoker) -> None:
        self.deps = deps
        self.invoker = invoker
        self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="async-inference")
        self._lock = threading.Lock()
        self._slots: dict[tuple[str, str, str], tuple[int, threading.Semaphore]] = {}

    def submit(self, request: Queued, concurrency: int, loop: asyncio.AbstractEventLoop) -> None:
        """`loop` is the server's: the invoker's exchanges with model servers run there."""
        self._pool.submit(self._run, request, concurrency, loop)

    def _slot(self, call: Call, size: int) -> threading.Semaphore:
        key = (call.account, call.region, call.endpoint.lower())
        with self._lock:
            known = self._slots.get(key)
            if known is None or known[0] != size:  # new endpoint, or resized by an update
                known = (size, threading.Semaphore(size))
                self._slots[key] = known
            return known[1]

    def _run(self, request: Queued, concurrency: int, loop: asyncio.AbstractEventLoop) -> None:
        with self._slot(request.call, concurrency):
            try:
                self._answer(request, loop)
            except Exception:  # a worker must outlive any one request
                log.exception("async inference %s failed", request.output_location)

    def _answer(self, request: Queued, loop: asyncio.AbstractEventLoop) -> None:
        account = request.call.account
        if time.time() > request.expires:
            self._fail(request, "The request expired before it was processed (RequestTTLSeconds).")
            return
        try:
            body, content_type = s3_objects.read(self.deps, account, request.input_location)
            headers = {"Content-Type": content_type, **request.call.headers}
            call = replace(request.call, body=body, headers=headers)
            route = self.invoker.route(call.account, call.region, call.endpoint, asynchronous=True)
            served = asyncio.run_coroutine_threadsafe(
                self.invoker.invoke(call, route), loop
            ).result()
        except ServiceError as err:
            self._fail(request, err.message)
            return
        answer = served.answer
        content_type = answer.content_type or "application/octet-stream"
        s3_objects.write(self.deps, account, request.output_location, answer.body, content_type)

    def _fail(self, request: Queued, reason: str) -> None:
        if request.failure_location is None:
            log.warning("async inference %s failed: %s", request.output_location, reason)
            return
        s3_objects.write(
            self.deps, request.call.account, request.failure_location, reason.encode(), "text/plain"
        )
