"""Copying each host's output to CloudWatch Logs, and the metrics its lines carry.

Lines go to group `/aws/sagemaker/TrainingJobs`, stream `<job>/algo-<n>-<epoch>` (one per
host, as the SDK's log tailing expects). Every line is matched against the job's
MetricDefinitions: samples become CloudWatch datapoints (namespace
`/aws/sagemaker/TrainingJobs`, dimension TrainingJobName) and the last value per metric is
the job's FinalMetricDataList.
"""

from __future__ import annotations

from typing import Any

from sagelab.runner.base import Runner
from sagelab.services.cloudwatch.metrics import put_datapoints
from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.jobs.hosts import Host, HostRows
from sagelab.services.sagemaker.jobs.logcopy import LogCopier
from sagelab.services.sagemaker.training import metrics
from sagelab.store.metadata import MetadataStore
from sagelab.store.tables import training_hosts

GROUP = NAMESPACE = "/aws/sagemaker/TrainingJobs"
HOSTS = HostRows(training_hosts)


def stream_name(job: str, host: str, launched: float) -> str:
    return f"{job}/{host}-{int(launched)}"


def _record_samples(doc: dict[str, Any], samples: list[tuple[float, metrics.Sample]]) -> None:
    final = {m["MetricName"]: m for m in doc.get("FinalMetricDataList", [])}
    for at, sample in samples:
        final[sample.name] = {"MetricName": sample.name, "Value": sample.value, "Timestamp": at}
    doc["FinalMetricDataList"] = list(final.values())


class OutputCopier:
    def __init__(self, meta: MetadataStore, runner: Runner) -> None:
        self.meta = meta
        self.logs = LogCopier(meta, runner, HOSTS, GROUP)

    def copy(self, where: resources.Scope, doc: dict[str, Any], host: Host, final: bool) -> bool:
        """Copy what `host` wrote since last time; True when `doc`'s metrics changed."""
        matcher = metrics.Matcher(doc["AlgorithmSpecification"].get("MetricDefinitions", []))
        found: list[tuple[float, metrics.Sample]] = []

        def match(now: float, lines: list[str]) -> None:
            samples = [(now, s) for ln in lines for s in matcher.samples(ln)]
            if samples:
                self._publish(where, doc["TrainingJobName"], samples)
                found.extend(samples)

        self.logs.copy(where, doc["TrainingJobName"], host, final, match)
        if not found:
            return False
        _record_samples(doc, found)
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
