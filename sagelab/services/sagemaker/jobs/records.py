"""Job records in `sm_resources`, the same for every kind of job: the Describe document in
`doc`, the columns List filters on drawn from it, and what a Stop asks for in `desired`.

A `JobRecords` knows one kind's member names (`TrainingJobName`, `TransformJobStatus`...) and
how SageMaker words its not-found and cannot-stop answers; the rest is common.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.errors import ResourceInUse, SageMakerValidation
from sagelab.store.tables import sm_resources

IN_PROGRESS, STOPPING = "InProgress", "Stopping"
ACTIVE = (IN_PROGRESS, STOPPING)
STOP_USER, STOP_MAX_RUNTIME = "user", "max-runtime"


@dataclass(frozen=True)
class ActiveJob:
    """A job the reconciler still walks: InProgress or Stopping."""

    scope: resources.Scope
    name: str
    doc: dict[str, Any]
    stop: str | None  # STOP_USER, STOP_MAX_RUNTIME or None


def row_key(where: resources.Scope, name: str) -> tuple[Any, ...]:
    """The `sm_resources` row of resource `name` (compared case-insensitively)."""
    return (
        sm_resources.c.kind == where.kind,
        sm_resources.c.account_id == where.account_id,
        sm_resources.c.region == where.region,
        sm_resources.c.name_key == name.lower(),
    )


@dataclass(frozen=True)
class JobRecords:
    kind: str  # `sm_resources.kind`, as in the ARN: "training-job"
    noun: str  # "TrainingJob": the prefix of the document's members
    not_found: Callable[[str], SageMakerValidation]
    already_exists: Callable[[str], ResourceInUse]  # (the existing job's ARN)
    not_stoppable: Callable[[str, str], SageMakerValidation]  # (name, status)
    summary_members: tuple[str, ...]  # drawn from the document into List summaries

    def name(self, doc: dict[str, Any]) -> str:
        return str(doc[f"{self.noun}Name"])

    def status(self, doc: dict[str, Any]) -> str:
        return str(doc[f"{self.noun}Status"])

    def scope(self, account: str, region: str) -> resources.Scope:
        return resources.Scope(self.kind, account, region)

    def check_unique(self, conn: Connection, where: resources.Scope, name: str) -> None:
        existing = resources.find(conn, where, name)
        if existing is not None:
            raise self.already_exists(existing.arn)

    def insert(
        self,
        conn: Connection,
        where: resources.Scope,
        doc: dict[str, Any],
        tags: list[dict[str, str]],
    ) -> None:
        name = self.name(doc)
        conn.execute(
            insert(sm_resources).values(
                kind=where.kind,
                account_id=where.account_id,
                region=where.region,
                name_key=name.lower(),
                name=name,
                arn=doc[f"{self.noun}Arn"],
                status=self.status(doc),
                created_at=doc["CreationTime"],
                modified_at=doc["LastModifiedTime"],
                doc=doc,
                tags=tags,
            )
        )

    def save(self, conn: Connection, where: resources.Scope, doc: dict[str, Any]) -> None:
        """The reconciler's write: the document and the columns drawn from it."""
        conn.execute(
            update(sm_resources)
            .where(*row_key(where, self.name(doc)))
            .values(status=self.status(doc), modified_at=doc["LastModifiedTime"], doc=doc)
        )

    def describe(self, conn: Connection, where: resources.Scope, name: str) -> dict[str, Any]:
        job = resources.find(conn, where, name)
        if job is None:
            raise self.not_found(name)
        return job.doc

    def request_stop(self, conn: Connection, where: resources.Scope, name: str) -> None:
        """Only a running job can stop; the SDK logs the ValidationException otherwise."""
        job = resources.find(conn, where, name)
        if job is None:
            raise self.not_found(name)
        if job.status != IN_PROGRESS:
            raise self.not_stoppable(name, str(job.status))
        set_stop(conn, where, name, STOP_USER)

    def summary(self, job: resources.Resource) -> dict[str, Any]:
        """A List summaries entry, drawn from the job's row and Describe document."""
        out: dict[str, Any] = {
            f"{self.noun}Name": job.name,
            f"{self.noun}Arn": job.arn,
            "CreationTime": job.created_at,
            "LastModifiedTime": job.modified_at,
            f"{self.noun}Status": job.status,
        }
        out.update({k: job.doc.get(k) for k in self.summary_members})
        return {k: v for k, v in out.items() if v is not None}


def set_stop(conn: Connection, where: resources.Scope, name: str, reason: str) -> None:
    conn.execute(update(sm_resources).where(*row_key(where, name)).values(desired={"stop": reason}))


def active(conn: Connection, kind: str) -> list[ActiveJob]:
    query = select(sm_resources).where(
        sm_resources.c.kind == kind, sm_resources.c.status.in_(ACTIVE)
    )
    return [
        ActiveJob(
            resources.Scope(kind, row.account_id, row.region),
            row.name,
            dict(row.doc),
            (row.desired or {}).get("stop"),
        )
        for row in conn.execute(query.order_by(sm_resources.c.created_at))
    ]
