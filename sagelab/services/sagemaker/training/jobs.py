"""Training job records: the Describe document kept in `sm_resources.doc` (the record keeping
itself is `jobs.records`, shared with transform jobs), and how SageMaker words its refusals."""

from __future__ import annotations

from typing import Any

from sagelab.services.sagemaker.errors import ResourceInUse, SageMakerValidation
from sagelab.services.sagemaker.jobs.records import JobRecords
from sagelab.services.sagemaker.jobs.records import (
    row_key as row_key,  # hosting still imports it from here
)
from sagelab.services.sagemaker.training import KIND, metrics, status

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


def _not_found(name: str) -> SageMakerValidation:
    return SageMakerValidation(message="Requested resource not found.")


def _not_stoppable(name: str, current: str) -> SageMakerValidation:
    return SageMakerValidation(
        message=f"The request was rejected because the training job is in status {current}."
    )


def _already_exists(arn: str) -> ResourceInUse:
    return ResourceInUse(
        message="Training job names must be unique within an AWS account and region, and a "
        f"training job with this name already exists ({arn})"
    )


RECORDS = JobRecords(
    kind=KIND,
    noun="TrainingJob",
    not_found=_not_found,
    already_exists=_already_exists,
    not_stoppable=_not_stoppable,
    summary_members=("SecondaryStatus", "TrainingEndTime"),
)


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
