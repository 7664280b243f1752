"""The reconciler step for training jobs: launch new jobs, follow their hosts' phases, copy
their output, enforce stops and MaxRuntimeInSeconds, and settle them when their processes end.

A restarted server finds the same rows: processes the runner adopted are followed on, ones
that ended while it was down are settled from their status files and exit codes, and ones
that vanished fail with a reason; no job stays InProgress without a process.
"""

from __future__ import annotations

import time
from typing import Any

from sagelab.container import layout
from sagelab.container.artifacts import model_uri
from sagelab.container.layout import JobDir
from sagelab.gateway.errors import ServiceError
from sagelab.runner.base import ProcessState, ProcessStatus
from sagelab.services.base import Deps
from sagelab.services.sagemaker import images
from sagelab.services.sagemaker.jobs import records
from sagelab.services.sagemaker.jobs.hosts import Host
from sagelab.services.sagemaker.jobs.reconciler import JobReconciler
from sagelab.services.sagemaker.jobs.records import ActiveJob
from sagelab.services.sagemaker.training import jobs, launch, output, status, workdir
from sagelab.services.sagemaker.training.output import HOSTS

_ORDER = ("Starting", layout.DOWNLOADING, layout.TRAINING, layout.UPLOADING)


def _model_artifacts(doc: dict[str, Any]) -> dict[str, str]:
    output_path = doc["OutputDataConfig"]["S3OutputPath"]
    return {"S3ModelArtifacts": model_uri(output_path, doc["TrainingJobName"])}


def _latest(report: dict[str, Any] | None) -> str | None:
    return report["phases"][-1][0] if report and report["phases"] else None


def _progress(report: dict[str, Any] | None) -> int:
    phase = _latest(report)
    if phase is None:
        return 0
    return _ORDER.index(phase) if phase in _ORDER else len(_ORDER)


def _follow_phases(doc: dict[str, Any], reports: dict[str, Any]) -> bool:
    """Replay the slowest host's phases the document has not shown yet."""
    if doc["TrainingJobStatus"] != status.IN_PROGRESS:
        return False
    slowest = min(reports.values(), key=_progress)
    changed = False
    for phase, at in (slowest or {}).get("phases", []):
        if phase in _ORDER and _ORDER.index(phase) > _ORDER.index(doc["SecondaryStatus"]):
            changed |= status.advance(doc, phase, at)
    return changed


def _failure(reports: dict[str, Any], polls: dict[str, ProcessStatus]) -> str:
    for report in reports.values():
        if report and report.get("failure"):
            return str(report["failure"])
    for host, poll in polls.items():
        if poll.state is ProcessState.LOST:
            return (
                f"InternalServerError: The training process of {host} was lost (sagelab "
                "stopped while it ran and could not find it again). Please retry the job."
            )
        if poll.exit_code not in (0, None) or _latest(reports.get(host)) != layout.COMPLETED:
            return (
                f"AlgorithmError: The training process of {host} ended with exit code "
                f"{poll.exit_code} before completing."
            )
    return "InternalServerError: The training job ended without completing."


class TrainingReconciler(JobReconciler):
    def __init__(self, deps: Deps) -> None:
        super().__init__(deps, jobs.RECORDS, HOSTS)
        self.copier = output.OutputCopier(deps.meta, deps.runner)

    def _job_dir(self, job: ActiveJob) -> JobDir:
        return workdir.job_dir(self.deps.settings.data_dir, job.scope.region, job.name)

    def _role(self, job: ActiveJob) -> str:
        return str(job.doc["RoleArn"])

    def _follow(self, job: ActiveJob, found: list[Host]) -> None:
        doc, job_dir = job.doc, self._job_dir(job)
        polls = {h.host: self.deps.runner.poll(h.process) for h in found}
        ended = all(p.state is not ProcessState.RUNNING for p in polls.values())
        reports = {h.host: layout.read_json(job_dir.status(h.host)) for h in found}
        changed = _follow_phases(doc, reports)
        # Stops first and saved at once: copying a chatty job's output can take a while,
        # and StopTrainingJob promises Stopping (and the signal) without waiting for it.
        if not ended and self._enforce(job, doc, found, reports):
            self._save(job, doc)
            changed = False
        for host in found:
            changed |= self.copier.copy(job.scope, doc, host, final=ended)
        if ended:
            self._ended(found)
            self._settle(job, doc, reports, polls)
            changed = True
        else:
            self._refresh_credentials(job, job_dir)
        if changed:
            self._save(job, doc)

    def _launch(self, job: ActiveJob) -> None:
        doc, now = job.doc, time.time()
        if job.stop is not None:
            status.finish(doc, status.STOPPED, status.STOPPED, now)
            self._save(job, doc)
            return
        image = images.parse(doc["AlgorithmSpecification"]["TrainingImage"])
        algorithm = image.algorithm if image else None
        job_dir = self._job_dir(job)
        try:
            workdir.prepare(job_dir, doc, str(algorithm), job.scope.region)
            self._write_credentials(job, job_dir)
        except ServiceError as err:  # the role went away between Create and launch
            status.finish(doc, status.FAILED, status.FAILED, now, f"ClientError: {err.message}")
            self._save(job, doc)
            return
        specs = launch.specs(
            self.deps.settings, job_dir, doc, job.scope.account_id, job.scope.region
        )
        rows = [
            Host(h, spec.name, output.stream_name(job.name, h, now), 0)
            for h, spec in zip(workdir.hosts(doc), specs, strict=True)
        ]
        self._start(job, rows, specs)
        doc["TrainingStartTime"] = now
        status.advance(doc, "Starting", now, status.PREPARING)
        self._save(job, doc)

    def _enforce(
        self,
        job: ActiveJob,
        doc: dict[str, Any],
        found: list[Host],
        reports: dict[str, Any],
    ) -> bool:
        """Stop requests, MaxRuntimeInSeconds, and a failed host ending its peers."""
        stop = job.stop
        limit = doc["StoppingCondition"]["MaxRuntimeInSeconds"]
        if stop is None and time.time() - doc["TrainingStartTime"] > limit:
            stop = records.STOP_MAX_RUNTIME
            with self.deps.meta.begin() as conn:
                records.set_stop(conn, job.scope, job.name, stop)
        if stop is not None or any(_latest(r) == layout.FAILED for r in reports.values()):
            self._stop_hosts(found)
        if stop is not None and doc["TrainingJobStatus"] == status.IN_PROGRESS:
            status.stopping(doc, time.time())
            return True
        return False

    def _settle(
        self,
        job: ActiveJob,
        doc: dict[str, Any],
        reports: dict[str, Any],
        polls: dict[str, ProcessStatus],
    ) -> None:
        now = time.time()
        completed = all(
            _latest(reports[h]) == layout.COMPLETED and polls[h].exit_code == 0 for h in polls
        )
        if job.stop is not None:
            exceeded = job.stop == records.STOP_MAX_RUNTIME
            secondary = status.MAX_RUNTIME_EXCEEDED if exceeded else status.STOPPED
            doc["ModelArtifacts"] = _model_artifacts(doc)
            status.finish(doc, status.STOPPED, secondary, now)
        elif completed:
            doc["ModelArtifacts"] = _model_artifacts(doc)
            status.finish(doc, status.COMPLETED, status.COMPLETED, now)
        else:
            status.finish(doc, status.FAILED, status.FAILED, now, _failure(reports, polls))
