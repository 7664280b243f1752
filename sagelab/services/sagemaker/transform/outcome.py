"""How a transform job ends, from what each instance's child reported and how it exited.

A bad record fails its object only: the instance goes on with its other objects, as do the
others (AWS: "a transform job continues to process input files even if it fails to process
one"), and the job ends Failed with the reason of the instance that failed first. An instance
that cannot go on at all (the model does not load, the agent breaks, the process dies) is
`broken`: its peers are stopped, since the job can only fail.
"""

from __future__ import annotations

import math
from typing import Any

from sagelab.container import layout
from sagelab.runner.base import ProcessState, ProcessStatus
from sagelab.services.sagemaker.transform import jobs


def _latest(report: dict[str, Any] | None) -> str | None:
    return report["phases"][-1][0] if report and report["phases"] else None


def completed(report: dict[str, Any] | None, poll: ProcessStatus) -> bool:
    return _latest(report) == layout.COMPLETED and poll.exit_code == 0


def broken(report: dict[str, Any] | None, poll: ProcessStatus) -> bool:
    """Ended without completing, for another reason than bad records (or a stop)."""
    if poll.state is ProcessState.RUNNING or completed(report, poll):
        return False
    if report and report.get("failure"):
        return bool(report.get("fatal"))
    return _latest(report) != layout.STOPPED


def _failure(report: dict[str, Any] | None, poll: ProcessStatus) -> tuple[float, str] | None:
    """When the instance failed and why; None when it did not fail (completed, or stopped)."""
    if completed(report, poll):
        return None
    if report and report.get("failure"):
        return float(report["phases"][-1][1]), str(report["failure"])
    if _latest(report) == layout.STOPPED:
        return None
    if poll.state is ProcessState.LOST:
        return math.inf, (
            "InternalServerError: The transform process was lost (sagelab stopped while it ran "
            "and could not find it again). Please retry the job."
        )
    return math.inf, (
        f"AlgorithmError: The transform process ended with exit code {poll.exit_code} "
        "before completing."
    )


def outcome(
    reports: dict[str, dict[str, Any] | None], polls: dict[str, ProcessStatus]
) -> tuple[str, str | None]:
    """The job's final status and failure reason, once every instance has ended."""
    if all(completed(reports[h], polls[h]) for h in polls):
        return jobs.COMPLETED, None
    failures = sorted(f for f in (_failure(reports[h], polls[h]) for h in polls) if f)
    if not failures:
        return jobs.FAILED, "InternalServerError: The transform job ended without completing."
    return jobs.FAILED, failures[0][1]
