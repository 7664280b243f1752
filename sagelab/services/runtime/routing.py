"""Which model server answers a request: the endpoint's routed instances, read from the
store at most every `TTL` seconds, and picked by variant weight (or `TargetVariant`), then
in turn within the variant. A route also carries what the serving generation was configured
with: its data capture policy and its async inference config."""

from __future__ import annotations

import itertools
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from sagelab.services.runtime.capture import Policy
from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.hosting import ENDPOINT, endpoints, instances, scope
from sagelab.store.metadata import MetadataStore

# Shorter than the hosting reconciler's drain time, so traffic leaves a drained generation
# before its processes stop.
TTL = 0.5
_SERVING = ("InService", "Updating")


@dataclass(frozen=True)
class Target:
    variant: str
    instance_id: str
    port: int


@dataclass
class Variant:
    name: str
    weight: float
    targets: list[Target]
    turn: itertools.count[int] = field(default_factory=itertools.count)

    def pick(self, avoid: set[int]) -> Target | None:
        usable = [t for t in self.targets if t.port not in avoid]
        return usable[next(self.turn) % len(usable)] if usable else None


@dataclass(frozen=True)
class Route:
    name: str  # as created
    variants: dict[str, Variant]
    expires: float
    capture: Policy | None = None
    async_config: dict[str, Any] | None = None

    @property
    def instance_count(self) -> int:
        return sum(len(v.targets) for v in self.variants.values())

    def pick(self, target: str | None, avoid: set[int]) -> Target | None:
        """An instance of `target` (which must be one of `variants`), or of a variant drawn
        by weight; None when none is usable now."""
        chosen = self.variants[target] if target is not None else self._draw()
        return None if chosen is None else chosen.pick(avoid)

    def _draw(self) -> Variant | None:
        weighted = [v for v in self.variants.values() if v.weight > 0 and v.targets]
        if not weighted:
            return None
        return random.choices(weighted, [v.weight for v in weighted])[0]


class Router:
    def __init__(self, meta: MetadataStore) -> None:
        self.meta = meta
        self._lock = threading.Lock()
        self._routes: dict[tuple[str, str, str], Route] = {}

    def route(self, account: str, region: str, name: str) -> Route | None:
        """None when the endpoint does not serve (missing, or not InService yet); a route
        without instances while they (re)start."""
        key = (account, region, name.lower())
        with self._lock:
            cached = self._routes.get(key)
        if cached is not None and cached.expires > time.monotonic():
            return cached
        route = self._load(scope(ENDPOINT, account, region), name)
        with self._lock:
            if route is None:
                self._routes.pop(key, None)
            else:
                self._routes[key] = route
        return route

    def forget(self, account: str, region: str, name: str) -> None:
        with self._lock:
            self._routes.pop((account, region, name.lower()), None)

    def _load(self, where: resources.Scope, name: str) -> Route | None:
        with self.meta.connect() as conn:
            endpoint = resources.find(conn, where, name)
            if endpoint is None or endpoint.status not in _SERVING:
                return None
            serving = instances.serving(conn, where, name)
            desired = endpoints.desired_of(conn, where, name)
        weights = {v["VariantName"]: v["CurrentWeight"] for v in endpoint.doc["ProductionVariants"]}
        variants = {n: Variant(n, float(w), []) for n, w in weights.items()}
        for i in serving:
            if i.variant in variants and i.port is not None:
                variants[i.variant].targets.append(Target(i.variant, i.instance_id, i.port))
        generation = serving[0].generation if serving else desired.get("generation")
        wanted = endpoints.serving_snapshot(desired, generation or 0)
        return Route(
            endpoint.name,
            variants,
            time.monotonic() + TTL,
            Policy.of(wanted.get("capture")),
            wanted.get("async"),
        )
