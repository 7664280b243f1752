"""The training job status machine, over the job's Describe document (contracts §3.2).

TrainingJobStatus InProgress walks SecondaryStatus Starting → Downloading → Training →
Uploading, then ends Completed, Failed, or (through Stopping) Stopped / MaxRuntimeExceeded.
Every secondary status is a `SecondaryStatusTransitions` entry with the message the SDK prints.
"""

from __future__ import annotations

from typing import Any

IN_PROGRESS, STOPPING = "InProgress", "Stopping"
COMPLETED, FAILED, STOPPED = "Completed", "Failed", "Stopped"
MAX_RUNTIME_EXCEEDED = "MaxRuntimeExceeded"

MESSAGES = {
    "Starting": "Starting the training job",
    "Downloading": "Downloading input data",
    "Training": "Training image download completed. Training in progress.",
    "Uploading": "Uploading generated training model",
    COMPLETED: "Training job completed",
    FAILED: "Training job failed",
    STOPPING: "Stopping the training job",
    STOPPED: "Training job stopped",
    MAX_RUNTIME_EXCEEDED: "Training job stopped: it ran longer than MaxRuntimeInSeconds",
}
PREPARING = "Preparing the instances for training"


def begin(doc: dict[str, Any], at: float) -> None:
    doc["TrainingJobStatus"] = IN_PROGRESS
    doc["CreationTime"] = at
    doc["SecondaryStatusTransitions"] = []
    advance(doc, "Starting", at)


def advance(doc: dict[str, Any], secondary: str, at: float, message: str | None = None) -> bool:
    """Enter `secondary` (ending the current one) or update its message; False if no change."""
    transitions: list[dict[str, Any]] = doc["SecondaryStatusTransitions"]
    text = message or MESSAGES[secondary]
    current = transitions[-1] if transitions else None
    if current is not None and current["Status"] == secondary:
        if current["StatusMessage"] == text:
            return False
        current["StatusMessage"] = text
    else:
        if current is not None:
            current["EndTime"] = at
        transitions.append({"Status": secondary, "StartTime": at, "StatusMessage": text})
        doc["SecondaryStatus"] = secondary
    doc["LastModifiedTime"] = at
    return True


def stopping(doc: dict[str, Any], at: float) -> None:
    doc["TrainingJobStatus"] = STOPPING
    advance(doc, STOPPING, at)


def finish(
    doc: dict[str, Any], status: str, secondary: str, at: float, failure: str | None = None
) -> None:
    advance(doc, secondary, at)
    doc["SecondaryStatusTransitions"][-1]["EndTime"] = at
    doc["TrainingJobStatus"] = status
    doc["TrainingEndTime"] = at
    started = doc.setdefault("TrainingStartTime", at)
    # SageMaker bills whole seconds, at least one.
    seconds = max(1, round(at - started))
    doc["TrainingTimeInSeconds"] = doc["BillableTimeInSeconds"] = seconds
    if failure:
        doc["FailureReason"] = failure
