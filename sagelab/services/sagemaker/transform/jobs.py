"""Transform job records: the Describe document kept in `sm_resources.doc`, its status
machine (contracts §3.3: InProgress → Completed | Failed, Stopping → Stopped), and the
summaries ListTransformJobs shows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, update

from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.errors import SageMakerValidation
from sagelab.services.sagemaker.training.jobs import STOP_USER, row_key
from sagelab.store.tables import sm_resources

IN_PROGRESS, STOPPING = "InProgress", "Stopping"
COMPLETED, FAILED, STOPPED = "Completed", "Failed", "Stopped"

# Members echoed in Describe exactly as the request gave them, when it gave them.
_ECHOED = (
    "ModelName",
    "MaxConcurrentTransforms",
    "MaxPayloadInMB",
    "BatchStrategy",
    "Environment",
    "TransformOutput",
    "TransformResources",
    "ExperimentConfig",
)
_INPUT_DEFAULTS = {"CompressionType": "None", "SplitType": "None"}
_PROCESSING_DEFAULTS = {"InputFilter": "$", "OutputFilter": "$", "JoinSource": "None"}


def not_found(name: str) -> SageMakerValidation:
    return SageMakerValidation(message=f"Could not find requested job with name {name}")


def new_document(request: dict[str, Any], arn: str, now: float) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "TransformJobName": request["TransformJobName"],
        "TransformJobArn": arn,
        "TransformJobStatus": IN_PROGRESS,
        "TransformInput": {**_INPUT_DEFAULTS, **request["TransformInput"]},
        "DataProcessing": {**_PROCESSING_DEFAULTS, **(request.get("DataProcessing") or {})},
        "CreationTime": now,
        "LastModifiedTime": now,  # not in Describe; ListTransformJobs shows it
    }
    doc.update({k: request[k] for k in _ECHOED if request.get(k) is not None})
    return doc


def insert_job(
    conn: Connection, where: resources.Scope, doc: dict[str, Any], tags: list[dict[str, str]]
) -> None:
    name = doc["TransformJobName"]
    conn.execute(
        insert(sm_resources).values(
            kind=where.kind,
            account_id=where.account_id,
            region=where.region,
            name_key=name.lower(),
            name=name,
            arn=doc["TransformJobArn"],
            status=doc["TransformJobStatus"],
            created_at=doc["CreationTime"],
            modified_at=doc["LastModifiedTime"],
            doc=doc,
            tags=tags,
        )
    )


def save(conn: Connection, where: resources.Scope, doc: dict[str, Any]) -> None:
    """The reconciler's write: the document and the columns drawn from it."""
    conn.execute(
        update(sm_resources)
        .where(*row_key(where, doc["TransformJobName"]))
        .values(status=doc["TransformJobStatus"], modified_at=doc["LastModifiedTime"], doc=doc)
    )


def describe(conn: Connection, where: resources.Scope, name: str) -> dict[str, Any]:
    job = resources.find(conn, where, name)
    if job is None:
        raise not_found(name)
    return job.doc


def request_stop(conn: Connection, where: resources.Scope, name: str) -> None:
    """Only a running job can stop; the SDK logs the ValidationException otherwise."""
    job = resources.find(conn, where, name)
    if job is None:
        raise not_found(name)
    if job.status != IN_PROGRESS:
        raise SageMakerValidation(
            message=f"Transform job {name} is in status {job.status} and cannot be stopped."
        )
    conn.execute(
        update(sm_resources).where(*row_key(where, name)).values(desired={"stop": STOP_USER})
    )


def started(doc: dict[str, Any], at: float) -> None:
    doc["TransformStartTime"] = doc["LastModifiedTime"] = at


def stopping(doc: dict[str, Any], at: float) -> None:
    doc["TransformJobStatus"] = STOPPING
    doc["LastModifiedTime"] = at


def finish(doc: dict[str, Any], status: str, at: float, failure: str | None = None) -> None:
    doc["TransformJobStatus"] = status
    doc["TransformEndTime"] = doc["LastModifiedTime"] = at
    doc.setdefault("TransformStartTime", at)
    if failure:
        doc["FailureReason"] = failure


def summary(job: resources.Resource) -> dict[str, Any]:
    """A TransformJobSummaries entry, drawn from the job's Describe document."""
    doc = job.doc
    out: dict[str, Any] = {
        "TransformJobName": job.name,
        "TransformJobArn": job.arn,
        "CreationTime": job.created_at,
        "LastModifiedTime": job.modified_at,
        "TransformJobStatus": job.status,
        "TransformEndTime": doc.get("TransformEndTime"),
        "FailureReason": doc.get("FailureReason"),
    }
    return {k: v for k, v in out.items() if v is not None}
