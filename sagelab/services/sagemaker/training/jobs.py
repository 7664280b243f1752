"""Training job records: the Describe document kept in `sm_resources.doc`, what a Stop asks
for in `desired`, and the summaries List and Search show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.errors import SageMakerValidation
from sagelab.services.sagemaker.training import metrics, status
from sagelab.store.tables import sm_resources

STOP_USER, STOP_MAX_RUNTIME = "user", "max-runtime"

# Members echoed in Describe exactly as the request gave them, when it gave them.
_ECHOED = (
    "HyperParameters",
    "RoleArn",
    "InputDataConfig",
    "ResourceConfig",
    "StoppingCondition",
    "CheckpointConfig",
    "DebugHookConfig",
    "ExperimentConfig",
    "ProfilerConfig",
    "Environment",
)


@dataclass(frozen=True)
class ActiveJob:
    """A job the reconciler still walks: InProgress or Stopping."""

    scope: resources.Scope
    name: str
    doc: dict[str, Any]
    stop: str | None  # STOP_USER, STOP_MAX_RUNTIME or None


def not_found() -> SageMakerValidation:
    return SageMakerValidation(message="Requested resource not found.")


def new_document(request: dict[str, Any], arn: str, algorithm: str, now: float) -> dict[str, Any]:
    spec = dict(request["AlgorithmSpecification"])
    spec["MetricDefinitions"] = metrics.definitions(algorithm, spec.get("MetricDefinitions"))
    spec.setdefault("EnableSageMakerMetricsTimeSeries", False)
    # The SDK's attach() indexes KmsKeyId; SageMaker always answers it, empty when unset.
    output = {"KmsKeyId": "", "CompressionType": "GZIP", **request["OutputDataConfig"]}
    doc: dict[str, Any] = {
        "TrainingJobName": request["TrainingJobName"],
        "TrainingJobArn": arn,
        "AlgorithmSpecification": spec,
        "OutputDataConfig": output,
        "EnableNetworkIsolation": bool(request.get("EnableNetworkIsolation")),
        "EnableInterContainerTrafficEncryption": bool(
            request.get("EnableInterContainerTrafficEncryption")
        ),
        "EnableManagedSpotTraining": bool(request.get("EnableManagedSpotTraining")),
    }
    doc.update({k: request[k] for k in _ECHOED if request.get(k) is not None})
    status.begin(doc, now)
    return doc


def insert_job(
    conn: Connection, where: resources.Scope, doc: dict[str, Any], tags: list[dict[str, str]]
) -> None:
    name = doc["TrainingJobName"]
    conn.execute(
        insert(sm_resources).values(
            kind=where.kind,
            account_id=where.account_id,
            region=where.region,
            name_key=name.lower(),
            name=name,
            arn=doc["TrainingJobArn"],
            status=doc["TrainingJobStatus"],
            created_at=doc["CreationTime"],
            modified_at=doc["LastModifiedTime"],
            doc=doc,
            tags=tags,
        )
    )


def row_key(where: resources.Scope, name: str) -> tuple[Any, ...]:
    """The `sm_resources` row of resource `name` (compared case-insensitively)."""
    return (
        sm_resources.c.kind == where.kind,
        sm_resources.c.account_id == where.account_id,
        sm_resources.c.region == where.region,
        sm_resources.c.name_key == name.lower(),
    )


def save(conn: Connection, where: resources.Scope, doc: dict[str, Any]) -> None:
    """The reconciler's write: the document and the columns drawn from it."""
    conn.execute(
        update(sm_resources)
        .where(*row_key(where, doc["TrainingJobName"]))
        .values(status=doc["TrainingJobStatus"], modified_at=doc["LastModifiedTime"], doc=doc)
    )


def describe(conn: Connection, where: resources.Scope, name: str) -> dict[str, Any]:
    job = resources.find(conn, where, name)
    if job is None:
        raise not_found()
    return job.doc


def request_stop(conn: Connection, where: resources.Scope, name: str) -> None:
    job = resources.find(conn, where, name)
    if job is None:
        raise not_found()
    if job.status != status.IN_PROGRESS:
        raise SageMakerValidation(
            message=f"The request was rejected because the training job is in status {job.status}."
        )
    conn.execute(
        update(sm_resources).where(*row_key(where, name)).values(desired={"stop": STOP_USER})
    )


def stop_for_max_runtime(conn: Connection, where: resources.Scope, name: str) -> None:
    conn.execute(
        update(sm_resources).where(*row_key(where, name)).values(desired={"stop": STOP_MAX_RUNTIME})
    )


def active(conn: Connection, kind: str) -> list[ActiveJob]:
    query = select(sm_resources).where(
        sm_resources.c.kind == kind, sm_resources.c.status.in_(status.ACTIVE)
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


def summary(job: resources.Resource) -> dict[str, Any]:
    """A TrainingJobSummaries entry, drawn from the job's Describe document."""
    doc = job.doc
    out: dict[str, Any] = {
        "TrainingJobName": job.name,
        "TrainingJobArn": job.arn,
        "CreationTime": job.created_at,
        "LastModifiedTime": job.modified_at,
        "TrainingJobStatus": job.status,
        "SecondaryStatus": doc.get("SecondaryStatus"),
        "TrainingEndTime": doc.get("TrainingEndTime"),
    }
    return {k: v for k, v in out.items() if v is not None}
