"""The reconciler step for transform jobs: launch each new job's child as the model's
execution role, copy its output to CloudWatch Logs, pass on stop requests, and settle the job
from the child's status file and exit code when it ends.

A restarted server finds the same rows: a child the runner adopted is followed on, one that
ended while it was down is settled from its status file, and one that vanished fails the job.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from sagelab.container import layout
from sagelab.container.layout import JobDir
from sagelab.gateway.errors import ServiceError
from sagelab.runner.base import ProcessState, ProcessStatus
from sagelab.services.base import Deps
from sagelab.services.logs.streams import append_events
from sagelab.services.sagemaker.jobs import credentials
from sagelab.services.sagemaker.training.jobs import ActiveJob, active
from sagelab.services.sagemaker.transform import KIND, jobs, launch, runs, validation

log = logging.getLogger(__name__)

STOP_GRACE = 10.0


def _outcome(report: dict[str, Any] | None, poll: ProcessStatus) -> tuple[str, str | None]:
    """The job's final status and failure reason, from what the child reported."""
    phase = report["phases"][-1][0] if report and report["phases"] else None
    if phase == layout.COMPLETED and poll.exit_code == 0:
        return jobs.COMPLETED, None
    if report and report.get("failure"):
        return jobs.FAILED, str(report["failure"])
    if poll.state is ProcessState.LOST:
        return jobs.FAILED, (
            "InternalServerError: The transform process was lost (sagelab stopped while it ran "
            "and could not find it again). Please retry the job."
        )
    return jobs.FAILED, (
        f"AlgorithmError: The transform process ended with exit code {poll.exit_code} "
        "before completing."
    )


class TransformReconciler:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._signalled: set[str] = set()

    def __call__(self) -> None:
        with self.deps.meta.connect() as conn:
            walking = active(conn, KIND)
        for job in walking:
            try:
                self._walk(job)
            except Exception:  # one broken job must not hold up the others
                log.exception("transform job %s: reconcile failed", job.name)

    def _job_dir(self, job: ActiveJob) -> JobDir:
        return launch.job_dir(self.deps.settings.data_dir, job.scope.region, job.name)

    def _save(self, job: ActiveJob, doc: dict[str, Any]) -> None:
        with self.deps.meta.begin() as conn:
            jobs.save(conn, job.scope, doc)

    def _walk(self, job: ActiveJob) -> None:
        with self.deps.meta.connect() as conn:
            run = runs.of_job(conn, job.scope, job.name)
        if run is None:
            self._launch(job)
            return
        poll = self.deps.runner.poll(run.process)
        ended = poll.state is not ProcessState.RUNNING
        self._copy_logs(job, run, final=ended)
        doc, now = job.doc, time.time()
        if ended:
            self._signalled.discard(run.process)
            if job.stop is not None:
                jobs.finish(doc, jobs.STOPPED, now)
            else:
                report = layout.read_json(self._job_dir(job).status(launch.HOST))
                status, failure = _outcome(report, poll)
                jobs.finish(doc, status, now, failure)
            self._save(job, doc)
        elif job.stop is not None:
            if run.process not in self._signalled:
                self._signalled.add(run.process)
                self.deps.runner.stop(run.process, STOP_GRACE)
            if doc["TransformJobStatus"] == jobs.IN_PROGRESS:
                jobs.stopping(doc, now)
                self._save(job, doc)
        else:
            self._refresh_credentials(job)

    def _launch(self, job: ActiveJob) -> None:
        doc, now = job.doc, time.time()
        if job.stop is not None:
            jobs.finish(doc, jobs.STOPPED, now)
            self._save(job, doc)
            return
        job_dir = self._job_dir(job)
        try:
            with self.deps.meta.connect() as conn:
                model = validation.model_document(
                    conn, job.scope.account_id, job.scope.region, doc["ModelName"]
                )
            launch.prepare(job_dir, doc, model, validation.algorithm(model), job.scope.region)
            credentials.write_credentials(
                self.deps.meta, job_dir, job.scope.account_id, model["ExecutionRoleArn"]
            )
        except ServiceError as err:  # the model or its role went away since Create
            jobs.finish(doc, jobs.FAILED, now, f"ClientError: {err.message}")
            self._save(job, doc)
            return
        spec = launch.spec(
            self.deps.settings, job_dir, doc, model, job.scope.account_id, job.scope.region
        )
        # The row first: a crash before the process starts leaves it LOST, so the job fails.
        with self.deps.meta.begin() as conn:
            runs.add(
                conn, job.scope, job.name, runs.Run(spec.name, launch.stream_name(job.name, now), 0)
            )
        self.deps.runner.start(spec)
        jobs.started(doc, now)
        self._save(job, doc)

    def _copy_logs(self, job: ActiveJob, run: runs.Run, final: bool) -> None:
        """The child's new output, whole lines only while it runs, as log events."""
        offset = run.log_offset
        while True:
            data, _ = self.deps.runner.logs(run.process, offset)
            chunk = data if final else data[: data.rfind(b"\n") + 1]
            if not chunk:
                return
            stamp = int(time.time() * 1000)
            lines = chunk.decode(errors="replace").splitlines()
            append_events(
                self.deps.meta,
                job.scope.account_id,
                job.scope.region,
                launch.GROUP,
                run.log_stream,
                [(stamp, ln) for ln in lines if ln.strip()],
            )
            offset += len(chunk)
            with self.deps.meta.begin() as conn:
                runs.advance_offset(conn, job.scope, job.name, offset)

    def _refresh_credentials(self, job: ActiveJob) -> None:
        job_dir = self._job_dir(job)
        if credentials.credentials_expire_soon(job_dir, time.time()):
            with self.deps.meta.connect() as conn:
                model = validation.model_document(
                    conn, job.scope.account_id, job.scope.region, job.doc["ModelName"]
                )
            credentials.write_credentials(
                self.deps.meta, job_dir, job.scope.account_id, model["ExecutionRoleArn"]
            )
