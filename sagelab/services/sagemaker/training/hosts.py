"""The hosts of a training job (`training_hosts`): the runner process of each, its log stream,
and how far its output has been copied to CloudWatch Logs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from sagelab.services.sagemaker import resources
from sagelab.store.tables import training_hosts


@dataclass(frozen=True)
class Host:
    host: str  # algo-1...
    process: str
    log_stream: str
    log_offset: int


def _job(where: resources.Scope, job: str) -> tuple[Any, ...]:
    return (
        training_hosts.c.account_id == where.account_id,
        training_hosts.c.region == where.region,
        training_hosts.c.job_key == job.lower(),
    )


def of_job(conn: Connection, where: resources.Scope, job: str) -> list[Host]:
    rows = conn.execute(select(training_hosts).where(*_job(where, job)))
    found = [Host(r.host, r.process, r.log_stream, r.log_offset) for r in rows]
    return sorted(found, key=lambda h: int(h.host.rsplit("-", 1)[1]))


def add(conn: Connection, where: resources.Scope, job: str, hosts: list[Host]) -> None:
    # A name reused after a reset: the earlier job's rows go.
    conn.execute(training_hosts.delete().where(*_job(where, job)))
    conn.execute(
        insert(training_hosts),
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
    conn: Connection, where: resources.Scope, job: str, host: str, offset: int
) -> None:
    conn.execute(
        update(training_hosts)
        .where(*_job(where, job), training_hosts.c.host == host)
        .values(log_offset=offset)
    )
