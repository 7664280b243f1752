"""Transform job records: the Describe document kept in `sm_resources.doc` (the record keeping
itself is `jobs.records`, shared with training jobs), its status machine (contracts §3.3:
InProgress → Completed | Failed, Stopping → Stopped), and how SageMaker words its refusals."""

from __future__ import annotations

from typing import Any

from sagelab.services.sagemaker.errors import ResourceInUse, SageMakerValidation
from sagelab.services.sagemaker.jobs.records import IN_PROGRESS, STOPPING, JobRecords
from sagelab.services.sagemaker.transform import KIND

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


def _not_found(name: str) -> SageMakerValidation:
    return SageMakerValidation(message=f"Could not find requested job with name {name}")


def _not_stoppable(name: str, current: str) -> SageMakerValidation:
    return SageMakerValidation(
        message=f"Transform job {name} is in status {current} and cannot be stopped."
    )


def _already_exists(arn: str) -> ResourceInUse:
    return ResourceInUse(
        message="Job name must be unique within an AWS account and region, and a job with "
        f"this name already exists ({arn})"
    )


RECORDS = JobRecords(
    kind=KIND,
    noun="TransformJob",
    not_found=_not_found,
    already_exists=_already_exists,
    not_stoppable=_not_stoppable,
    summary_members=("TransformEndTime", "FailureReason"),
)


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
