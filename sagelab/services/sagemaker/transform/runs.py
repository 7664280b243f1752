"""The launched child of a transform job (`transform_runs`): its runner process, its log
stream, and how far its output has been copied to CloudWatch Logs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from sagelab.services.sagemaker import resources
from sagelab.store.tables import transform_runs


@dataclass(frozen=True)
class Run:
    process: str
    log_stream: str
    log_offset: int


def _job(where: resources.Scope, job: str) -> tuple[Any, ...]:
    return (
        transform_runs.c.account_id == where.account_id,
        transform_runs.c.region == where.region,
        transform_runs.c.job_key == job.lower(),
    )


def of_job(conn: Connection, where: resources.Scope, job: str) -> Run | None:
    row = conn.execute(select(transform_runs).where(*_job(where, job))).first()
    return None if row is None else Run(row.process, row.log_stream, row.log_offset)


def add(conn: Connection, where: resources.Scope, job: str, run: Run) -> None:
    # A name reused after a reset: the earlier job's row goes.
    conn.execute(transform_runs.delete().where(*_job(where, job)))
    conn.execute(
        insert(transform_runs).values(
            account_id=where.account_id,
            region=where.region,
            job_key=job.lower(),
            process=run.process,
            log_stream=run.log_stream,
            log_offset=run.log_offset,
        )
    )


def advance_offset(conn: Connection, where: resources.Scope, job: str, offset: int) -> None:
    conn.execute(update(transform_runs).where(*_job(where, job)).values(log_offset=offset))
