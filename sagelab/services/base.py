"""What every service api gets: its dependencies, and the convention the gateway calls by.

An api class has one method per operation, named `botocore.xform_name(Operation)`, taking the
request context then keyword parameters named `xform_name(Member)` for each input member.
It returns a dict keyed by the output shape's member names (PascalCase), with native values
(datetime or epoch float for timestamps, bytes or an iterable of bytes for blobs). Missing
methods answer 501 naming the operation.

Optional hooks an api class may define:
- `startup(self) -> None`: once at server start (sweeps, registering reconciler steps).
- `preflight(self, req: HttpRequest, ctx, gateway) -> HttpResponse | None`: answers a
  request before SigV4 (browsers' CORS `OPTIONS` preflights, and S3's form uploads, which
  are signed in their body and then call `gateway.invoke` as their signer); None lets the
  pipeline go on.
- `response_headers(self, ctx, req: HttpRequest) -> list[tuple[str, str]]`: headers added to
  every answer of this service (CORS `Access-Control-Allow-Origin` on real requests).

A method may return an awaitable of its result: the gateway awaits it on the event loop. A
service whose requests are small and many may set `on_event_loop = True`: its requests with a
small body then run the whole pipeline on the event loop, with no worker-thread hop (on two
cores that hop cost a third of an InvokeEndpoint's throughput). Its methods, and what the
gateway does before them (SigV4 key lookup, IAM's decision), must then only read the store
briefly or hit caches, and leave all waiting to their awaitable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from sagelab.config import Settings
    from sagelab.reconciler import Reconciler
    from sagelab.runner.base import Runner
    from sagelab.store.blobs import BlobStore
    from sagelab.store.metadata import MetadataStore


@dataclass
class Deps:
    settings: Settings
    meta: MetadataStore
    blobs: BlobStore
    runner: Runner
    reconciler: Reconciler


class ServiceApi:
    service_name: ClassVar[str]
    on_event_loop: ClassVar[bool] = False

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
