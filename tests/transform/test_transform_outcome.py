"""How a transform job ends from its instances' reports (pure code): the first failure's
reason, and which failures stop the other instances."""

from __future__ import annotations

from typing import Any

from sagelab.runner.base import ProcessState, ProcessStatus
from sagelab.services.sagemaker.transform.outcome import broken, outcome

RUNNING = ProcessStatus(ProcessState.RUNNING, None, 1)
OK = ProcessStatus(ProcessState.EXITED, 0, None)
EXIT_1 = ProcessStatus(ProcessState.EXITED, 1, None)
KILLED = ProcessStatus(ProcessState.EXITED, -9, None)
LOST = ProcessStatus(ProcessState.LOST, None, None)


def _report(phase: str, at: float, failure: str | None = None, fatal: bool = False) -> Any:
    return {"phases": [["Transforming", at - 1], [phase, at]], "failure": failure, "fatal": fatal}


def test_completed_when_every_instance_completed() -> None:
    reports = {"algo-1": _report("Completed", 5), "algo-2": _report("Completed", 6)}
    assert outcome(reports, {"algo-1": OK, "algo-2": OK}) == ("Completed", None)


def test_the_first_failure_is_the_reason() -> None:
    reports = {
        "algo-1": _report("Failed", 9, "ClientError: Bad input data in s3://b/late.csv"),
        "algo-2": _report("Failed", 4, "ClientError: Bad input data in s3://b/early.csv"),
    }
    assert outcome(reports, {"algo-1": EXIT_1, "algo-2": EXIT_1}) == (
        "Failed",
        "ClientError: Bad input data in s3://b/early.csv",
    )


def test_a_peer_stopped_for_a_broken_instance_is_not_the_reason() -> None:
    reports = {
        "algo-1": _report("Stopped", 3),
        "algo-2": _report("Failed", 7, "ClientError: model.tar.gz is missing", fatal=True),
    }
    status, reason = outcome(reports, {"algo-1": OK, "algo-2": EXIT_1})
    assert (status, reason) == ("Failed", "ClientError: model.tar.gz is missing")


def test_a_dead_or_lost_instance_fails_the_job_with_its_exit() -> None:
    reports = {"algo-1": _report("Completed", 2), "algo-2": None}
    assert "exit code -9" in str(outcome(reports, {"algo-1": OK, "algo-2": KILLED})[1])
    assert "was lost" in str(outcome(reports, {"algo-1": OK, "algo-2": LOST})[1])


def test_only_an_instance_that_cannot_go_on_stops_its_peers() -> None:
    bad_records = _report("Failed", 3, "ClientError: Bad input data in s3://b/x.csv")
    assert not broken(bad_records, EXIT_1)
    assert broken(_report("Failed", 3, "ClientError: no model", fatal=True), EXIT_1)
    assert broken(None, KILLED)
    assert not broken(None, RUNNING)
    assert not broken(_report("Stopped", 3), OK)
    assert not broken(_report("Completed", 3), OK)
