"""The reconciler step for transform jobs: launch each new job's instances (one child each, as
the model's execution role), copy their output to CloudWatch Logs, pass on stop requests (and
stop the others when one instance breaks), and settle the job when every child has ended.

A restarted server finds the same rows: children the runner adopted are followed on, ones that
ended while it was down are settled from their status files, and ones that vanished fail the
job.
"""

from __future__ import annotations

import time
from typing import Any

from sagelab.container import layout
from sagelab.container.layout import JobDir
from sagelab.gateway.errors import ServiceError
from sagelab.runner.base import ProcessState, ProcessStatus
from sagelab.services.base import Deps
from sagelab.services.sagemaker.jobs.hosts import Host, HostRows
from sagelab.services.sagemaker.jobs.logcopy import LogCopier
from sagelab.services.sagemaker.jobs.reconciler import JobReconciler
from sagelab.services.sagemaker.jobs.records import IN_PROGRESS, ActiveJob
from sagelab.services.sagemaker.transform import jobs, launch, outcome, validation
from sagelab.store.tables import transform_hosts

HOSTS = HostRows(transform_hosts)

Reports = dict[str, dict[str, Any] | None]


class TransformReconciler(JobReconciler):
    def __init__(self, deps: Deps) -> None:
        super().__init__(deps, jobs.RECORDS, HOSTS)
        self.logs = LogCopier(deps.meta, deps.runner, HOSTS, launch.GROUP)

    def _job_dir(self, job: ActiveJob) -> JobDir:
        return launch.job_dir(self.deps.settings.data_dir, job.scope.region, job.name)

    def _model(self, job: ActiveJob) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            return validation.model_document(
                conn, job.scope.account_id, job.scope.region, job.doc["ModelName"]
            )

    def _role(self, job: ActiveJob) -> str:
        return str(self._model(job)["ExecutionRoleArn"])

    def _follow(self, job: ActiveJob, found: list[Host]) -> None:
        job_dir = self._job_dir(job)
        polls = {h.host: self.deps.runner.poll(h.process) for h in found}
        reports: Reports = {h.host: layout.read_json(job_dir.status(h.host)) for h in found}
        ended = all(p.state is not ProcessState.RUNNING for p in polls.values())
        if not ended:
            self._enforce(job, found, reports, polls)
        for host in found:
            final = polls[host.host].state is not ProcessState.RUNNING
            self.logs.copy(job.scope, job.name, host, final)
        if ended:
            self._ended(found)
            self._settle(job, reports, polls)
        else:
            self._refresh_credentials(job, job_dir)

    def _enforce(
        self, job: ActiveJob, found: list[Host], reports: Reports, polls: dict[str, ProcessStatus]
    ) -> None:
        """A stop request, or a broken instance, stops every instance still running."""
        if job.stop is not None or any(outcome.broken(reports[h], polls[h]) for h in polls):
            self._stop_hosts(found)
        if job.stop is not None and job.doc["TransformJobStatus"] == IN_PROGRESS:
            jobs.stopping(job.doc, time.time())
            self._save(job, job.doc)

    def _settle(self, job: ActiveJob, reports: Reports, polls: dict[str, ProcessStatus]) -> None:
        doc, now = job.doc, time.time()
        if job.stop is not None:
            jobs.finish(doc, jobs.STOPPED, now)
        else:
            status, failure = outcome.outcome(reports, polls)
            jobs.finish(doc, status, now, failure)
        self._save(job, doc)

    def _launch(self, job: ActiveJob) -> None:
        doc, now = job.doc, time.time()
        if job.stop is not None:
            jobs.finish(doc, jobs.STOPPED, now)
            self._save(job, doc)
            return
        job_dir = self._job_dir(job)
        try:
            model = self._model(job)
            launch.prepare(job_dir, doc, model, validation.algorithm(model), job.scope.region)
            self._write_credentials(job, job_dir)
        except ServiceError as err:  # the model or its role went away since Create
            jobs.finish(doc, jobs.FAILED, now, f"ClientError: {err.message}")
            self._save(job, doc)
            return
        specs = launch.specs(
            self.deps.settings, job_dir, doc, model, job.scope.account_id, job.scope.region
        )
        rows = [
            Host(host, spec.name, launch.stream_name(job.name, now), 0)
            for host, spec in zip(launch.hosts(doc), specs, strict=True)
        ]
        self._start(job, rows, specs)
        jobs.started(doc, now)
        self._save(job, doc)
