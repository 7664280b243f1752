"""A user reads a job's logs with the AWS CLI (v1: `get-log-events`, `filter-log-events`)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any


def test_cli_reads_and_filters(cli: Callable[..., Any], client: Any, group: str) -> None:
    logs = client("logs")
    logs.create_log_stream(logGroupName=group, logStreamName="job/algo-1-1")
    now = int(time.time() * 1000)
    lines = ["[0] train-rmse:0.5", "[1] train-rmse:0.4", "done"]
    logs.put_log_events(
        logGroupName=group,
        logStreamName="job/algo-1-1",
        logEvents=[{"timestamp": now + i, "message": m} for i, m in enumerate(lines)],
    )
    got = json.loads(
        cli(
            "logs",
            "get-log-events",
            "--log-group-name",
            group,
            "--log-stream-name",
            "job/algo-1-1",
            "--start-from-head",
        ).stdout
    )
    assert [e["message"] for e in got["events"]] == lines
    assert got["nextForwardToken"].startswith("f/")
    found = json.loads(
        cli(
            "logs", "filter-log-events", "--log-group-name", group, "--filter-pattern", "train-rmse"
        ).stdout
    )
    assert [e["message"] for e in found["events"]] == lines[:2]
    refused = cli(
        "logs",
        "filter-log-events",
        "--log-group-name",
        group,
        "--filter-pattern",
        "[epoch, rmse]",
        check=False,
    )
    assert refused.returncode != 0 and "space-delimited" in refused.stderr
