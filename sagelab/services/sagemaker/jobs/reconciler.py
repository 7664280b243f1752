"""What the reconciler steps of every kind of job share: walking the active jobs one at a
time (one broken job must not hold up the others), saving a document, signalling each host
once when it is to stop, and renewing the role's credentials before they expire."""

from __future__ import annotations

import logging
import time
from typing import Any

from sagelab.container.layout import JobDir
from sagelab.runner.base import ProcessSpec
from sagelab.services.base import Deps
from sagelab.services.sagemaker.jobs import credentials
from sagelab.services.sagemaker.jobs.hosts import Host, HostRows
from sagelab.services.sagemaker.jobs.records import ActiveJob, JobRecords, active

log = logging.getLogger(__name__)

# SIGTERM, then SIGKILL: the agents need a moment to upload what they have.
STOP_GRACE = 10.0


class JobReconciler:
    def __init__(self, deps: Deps, records: JobRecords, hosts: HostRows) -> None:
        self.deps = deps
        self.records = records
        self.hosts = hosts
        self._signalled: set[str] = set()

    def __call__(self) -> None:
        with self.deps.meta.connect() as conn:
            walking = active(conn, self.records.kind)
        for job in walking:
            try:
                self._walk(job)
            except Exception:  # one broken job must not hold up the others
                log.exception("%s %s: reconcile failed", self.records.kind, job.name)

    def _walk(self, job: ActiveJob) -> None:
        with self.deps.meta.connect() as conn:
            found = self.hosts.of_job(conn, job.scope, job.name)
        if found:
            self._follow(job, found)
        else:
            self._launch(job)

    def _launch(self, job: ActiveJob) -> None:
        raise NotImplementedError

    def _follow(self, job: ActiveJob, found: list[Host]) -> None:
        raise NotImplementedError

    def _role(self, job: ActiveJob) -> str:
        """The execution role the job's processes act as."""
        raise NotImplementedError

    def _save(self, job: ActiveJob, doc: dict[str, Any]) -> None:
        with self.deps.meta.begin() as conn:
            self.records.save(conn, job.scope, doc)

    def _start(self, job: ActiveJob, rows: list[Host], specs: list[ProcessSpec]) -> None:
        # Rows first: a crash before the processes start leaves them LOST, so the job fails.
        with self.deps.meta.begin() as conn:
            self.hosts.add(conn, job.scope, job.name, rows)
        for spec in specs:
            self.deps.runner.start(spec)

    def _stop_hosts(self, found: list[Host]) -> None:
        for host in found:
            if host.process not in self._signalled:
                self._signalled.add(host.process)
                self.deps.runner.stop(host.process, STOP_GRACE)

    def _ended(self, found: list[Host]) -> None:
        self._signalled.difference_update(h.process for h in found)

    def _write_credentials(self, job: ActiveJob, job_dir: JobDir) -> None:
        credentials.write_credentials(
            self.deps.meta, job_dir, job.scope.account_id, self._role(job)
        )

    def _refresh_credentials(self, job: ActiveJob, job_dir: JobDir) -> None:
        if credentials.credentials_expire_soon(job_dir, time.time()):
            self._write_credentials(job, job_dir)
