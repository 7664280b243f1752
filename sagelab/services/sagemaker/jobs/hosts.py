"""The hosts of a job, one row each in its kind's table (`training_hosts`, `transform_hosts`):
the runner process of each, its log stream, and how far its output has been copied to
CloudWatch Logs, so a restarted server goes on where it stopped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from sagelab.services.sagemaker import resources


@dataclass(frozen=True)
class Host:
    host: str  # algo-1...
    process: str
    log_stream: str
    log_offset: int


def _number(host: Host) -> int:
    return int(host.host.rsplit("-", 1)[1])


@dataclass(frozen=True)
class HostRows:
    table: Table

    def _job(self, where: resources.Scope, job: str) -> tuple[Any, ...]:
        return (
            self.table.c.account_id == where.account_id,
            self.table.c.region == where.region,
            self.table.c.job_key == job.lower(),
        )

    def of_job(self, conn: Connection, where: resources.Scope, job: str) -> list[Host]:
        rows = conn.execute(select(self.table).where(*self._job(where, job)))
        found = [Host(r.host, r.process, r.log_stream, r.log_offset) for r in rows]
        return sorted(found, key=_number)

    def add(self, conn: Connection, where: resources.Scope, job: str, hosts: list[Host]) -> None:
        # A name reused after a reset: the earlier job's rows go.
        conn.execute(self.table.delete().where(*self._job(where, job)))
        conn.execute(
            insert(self.table),
            [
                {
                    "account_id": where.account_id,
                    "region": where.region,
                    "job_key": job.lower(),
                    "host": h.host,
                    "process": h.process,
                    "log_stream": h.log_stream,
                    "log_offset": h.log_offset,
                }
                for h in hosts
            ],
        )

    def advance_offset(
        self, conn: Connection, where: resources.Scope, job: str, host: str, offset: int
    ) -> None:
        conn.execute(
            update(self.table)
            .where(*self._job(where, job), self.table.c.host == host)
            .values(log_offset=offset)
        )
