"""Per-variant invocation metrics (namespace `AWS/SageMaker`, dimensions EndpointName and
VariantName), aggregated per second in memory and flushed by the reconciler: the request
path never writes to the store."""

from __future__ import annotations

import threading
from collections import defaultdict

from sagelab.services.cloudwatch.metrics import MetricId, Sample, store
from sagelab.store.metadata import MetadataStore

NAMESPACE = "AWS/SageMaker"
# (account, region, endpoint, variant, metric, unit, second)
_Key = tuple[str, str, str, str, str, str, int]


class Meter:
    def __init__(self, meta: MetadataStore) -> None:
        self.meta = meta
        self._lock = threading.Lock()
        self._stats: dict[_Key, list[float]] = defaultdict(lambda: [0.0, 0.0, float("inf"), 0.0])

    def record(
        self, where: tuple[str, str, str, str], at: float, metrics: dict[str, tuple[float, str]]
    ) -> None:
        second = int(at)
        with self._lock:
            for name, (value, unit) in metrics.items():
                s = self._stats[(*where, name, unit, second)]
                s[0] += 1
                s[1] += value
                s[2] = min(s[2], value)
                s[3] = max(s[3], value)

    def record_invocation(
        self,
        where: tuple[str, str, str, str],
        at: float,
        status: int,
        model: float,
        overhead: float,
    ) -> None:
        """One invocation answered with `status`, `model` and `overhead` seconds."""
        metrics = {
            "Invocations": (1.0, "Count"),
            "ModelLatency": (model * 1e6, "Microseconds"),
            "OverheadLatency": (overhead * 1e6, "Microseconds"),
        }
        if 400 <= status < 500:
            metrics["Invocation4XXErrors"] = (1.0, "Count")
        elif status >= 500:
            metrics["Invocation5XXErrors"] = (1.0, "Count")
        self.record(where, at, metrics)

    def flush(self) -> None:
        with self._lock:
            stats, self._stats = self._stats, defaultdict(lambda: [0.0, 0.0, float("inf"), 0.0])
        if not stats:
            return
        with self.meta.begin() as conn:
            for (account, region, endpoint, variant, name, unit, second), s in stats.items():
                metric = MetricId.of(
                    account,
                    region,
                    NAMESPACE,
                    name,
                    {"EndpointName": endpoint, "VariantName": variant},
                )
                store(conn, metric, [Sample(float(second), unit, s[0], s[1], s[2], s[3])])

    __call__ = flush
