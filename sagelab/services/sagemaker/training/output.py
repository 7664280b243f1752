"""Copying each host's output to CloudWatch Logs, and the metrics its lines carry.

Lines go to group `/aws/sagemaker/TrainingJobs`, stream `<job>/algo-<n>-<epoch>` (one per
host, as the SDK's log tailing expects), stamped when copied. Every line is matched against
the job's MetricDefinitions: samples become CloudWatch datapoints (namespace
`/aws/sagemaker/TrainingJobs`, dimension TrainingJobName) and the last value per metric is
the job's FinalMetricDataList.
"""

from __future__ import annotations

import time
from typing import Any

from sagelab.runner.base import Runner
from sagelab.services.cloudwatch.metrics import put_datapoints
from sagelab.services.logs.streams import append_events
from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.training import hosts, metrics
from sagelab.store.metadata import MetadataStore

GROUP = NAMESPACE = "/aws/sagemaker/TrainingJobs"


def stream_name(job: str, host: str, launched: float) -> str:
    return f"{job}/{host}-{int(launched)}"


def _complete_lines(data: bytes, final: bool) -> bytes:
    """What may be copied now: whole lines only, unless the process has ended."""
    if final:
        return data
    end = data.rfind(b"\n")
    return data[: end + 1] if end >= 0 else b""


def _record_samples(doc: dict[str, Any], samples: list[tuple[float, metrics.Sample]]) -> None:
    final = {m["MetricName"]: m for m in doc.get("FinalMetricDataList", [])}
    for at, sample in samples:
        final[sample.name] = {"MetricName": sample.name, "Value": sample.value, "Timestamp": at}
    doc["FinalMetricDataList"] = list(final.values())


class OutputCopier:
    def __init__(self, meta: MetadataStore, runner: Runner) -> None:
        self.meta = meta
        self.runner = runner

    def copy(
        self, where: resources.Scope, doc: dict[str, Any], host: hosts.Host, final: bool
    ) -> bool:
        """Copy what `host` wrote since last time; True when `doc`'s metrics changed."""
        offset, changed = host.log_offset, False
        while True:
            data, _ = self.runner.logs(host.process, offset)
            chunk = _complete_lines(data, final)
            if not chunk:
                return changed
            changed |= self._copy_chunk(where, doc, host, chunk)
            offset += len(chunk)
            with self.meta.begin() as conn:
                hosts.advance_offset(conn, where, doc["TrainingJobName"], host.host, offset)

    def _copy_chunk(
        self, where: resources.Scope, doc: dict[str, Any], host: hosts.Host, chunk: bytes
    ) -> bool:
        now = time.time()
        lines = [metrics.as_cloudwatch(ln) for ln in chunk.decode(errors="replace").splitlines()]
        append_events(
            self.meta,
            where.account_id,
            where.region,
            GROUP,
            host.log_stream,
            [(int(now * 1000), ln) for ln in lines if ln.strip()],
        )
        matcher = metrics.Matcher(doc["AlgorithmSpecification"].get("MetricDefinitions", []))
        samples = [(now, s) for ln in lines for s in matcher.samples(ln)]
        if not samples:
            return False
        self._publish(where, doc["TrainingJobName"], samples)
        _record_samples(doc, samples)
        return True

    def _publish(
        self, where: resources.Scope, job: str, samples: list[tuple[float, metrics.Sample]]
    ) -> None:
        by_metric: dict[str, list[tuple[float, float]]] = {}
        for at, sample in samples:
            by_metric.setdefault(sample.name, []).append((at, sample.value))
        for name, points in by_metric.items():
            put_datapoints(
                self.meta,
                where.account_id,
                where.region,
                NAMESPACE,
                name,
                {"TrainingJobName": job},
                points,
            )
