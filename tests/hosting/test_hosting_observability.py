"""What an endpoint leaves behind: its model servers' logs and per-variant metrics."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError
from hosting_kit import csv_body

from sagelab.testing import SagelabServer


def _poll(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.1)


def test_invocations_are_counted_and_logs_are_kept(
    server: SagelabServer, deploy: Callable[..., str]
) -> None:
    name = deploy()
    runtime = server.client("sagemaker-runtime")
    for _ in range(5):
        runtime.invoke_endpoint(EndpointName=name, Body=csv_body(1), ContentType="text/csv")
    with pytest.raises(ClientError):
        runtime.invoke_endpoint(EndpointName=name, Body=b"x", ContentType="text/csv")

    cloudwatch = server.client("cloudwatch")
    dims = [
        {"Name": "EndpointName", "Value": name},
        {"Name": "VariantName", "Value": "AllTraffic"},
    ]
    now = datetime.now(UTC)

    def total(metric: str) -> float:
        points = cloudwatch.get_metric_statistics(
            Namespace="AWS/SageMaker",
            MetricName=metric,
            Dimensions=dims,
            StartTime=now - timedelta(minutes=5),
            EndTime=now + timedelta(minutes=5),
            Period=600,
            Statistics=["Sum"],
        )["Datapoints"]
        return sum(p["Sum"] for p in points)

    _poll(lambda: total("Invocations") == 6 and total("Invocation4XXErrors") == 1)
    assert total("ModelLatency") > 0 and total("OverheadLatency") > 0

    logs = server.client("logs")
    group = f"/aws/sagemaker/Endpoints/{name}"

    def streams() -> list[str]:
        try:
            found = logs.describe_log_streams(logGroupName=group)["logStreams"]
        except ClientError:
            return []
        return [s["logStreamName"] for s in found]

    _poll(lambda: bool(streams()))
    stream = streams()[0]
    assert stream.startswith("AllTraffic/i-")
    events = logs.get_log_events(logGroupName=group, logStreamName=stream)["events"]
    assert any("listening" in e["message"] for e in events)
