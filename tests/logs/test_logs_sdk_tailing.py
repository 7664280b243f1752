"""The SageMaker SDK v2 tails a training job's logs (`fit(logs=True)`) from streams that the
job's feeder writes with `append_events`: its exact loop, `_flush_log_streams`, which asks
DescribeLogStreams for `instance_count` streams and reads each with GetLogEvents until an
empty page."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from sagelab.services.logs.streams import append_events
from sagelab.store.metadata import MetadataStore

sagemaker_session = pytest.importorskip("sagemaker.session")
sagemaker_logs = pytest.importorskip("sagemaker.logs")

GROUP = "/aws/sagemaker/TrainingJobs"


def _flush(logs: Any, job: str, instances: int, state: dict[str, Any]) -> None:
    """One turn of the SDK's `logs_for_job` loop, keeping its state between turns."""
    state["streams"] = state.get("streams", [])
    sagemaker_session._flush_log_streams(
        state["streams"],
        instances,
        logs,
        GROUP,
        job,
        state.setdefault("positions", {}),
        False,
        lambda index, message: state.setdefault("printed", []).append((index, message)),
    )
    if not state["streams"]:
        state["streams"] = list(state["positions"])


@pytest.mark.timeout(60)  # a spurious nextToken would make the SDK loop forever
def test_sdk_prints_every_line_once_as_the_job_runs(
    client: Any, server: Any, server_meta: MetadataStore
) -> None:
    logs = client("logs")
    job = f"tailing-{uuid.uuid4().hex[:8]}"
    epoch = int(time.time())
    streams = [f"{job}/algo-{n}-{epoch}" for n in (1, 2)]
    now = int(time.time() * 1000)

    def feed(stream: str, lines: list[tuple[int, str]]) -> None:
        append_events(server_meta, server.account_id, server.region, GROUP, stream, lines)

    state: dict[str, Any] = {}
    _flush(logs, job, 2, state)  # before the job logs anything: no group yet, no error
    assert state.get("printed") is None
    feed(streams[0], [(now, "host1 starting"), (now + 2, "host1 epoch 1")])
    feed(streams[1], [(now + 1, "host2 starting"), (now + 2, "host2 epoch 1")])
    _flush(logs, job, 2, state)
    # Interleaved by timestamp across the hosts, each coloured by its stream index.
    assert state["printed"] == [
        (0, "host1 starting"),
        (1, "host2 starting"),
        (0, "host1 epoch 1"),
        (1, "host2 epoch 1"),
    ]
    # Same-timestamp events arriving later are not lost nor repeated (the SDK's skip count).
    feed(streams[0], [(now + 2, "host1 epoch 1 again"), (now + 5, "host1 done")])
    _flush(logs, job, 2, state)
    assert state["printed"][4:] == [(0, "host1 epoch 1 again"), (0, "host1 done")]
    _flush(logs, job, 2, state)  # caught up: nothing new is printed
    assert len(state["printed"]) == 6


def test_multi_stream_iter_reads_to_the_end(
    client: Any, server: Any, server_meta: MetadataStore
) -> None:
    logs = client("logs")
    stream = f"iter-{uuid.uuid4().hex[:8]}/algo-1-1"
    base = int(time.time() * 1000)
    lines = [(base + i // 3, f"line {i}") for i in range(25)]
    append_events(server_meta, server.account_id, server.region, GROUP, stream, lines)
    got = [e["message"] for _, e in sagemaker_logs.multi_stream_iter(logs, GROUP, [stream])]
    assert got == [m for _, m in lines]
    (found,) = logs.describe_log_streams(logGroupName=GROUP, logStreamNamePrefix=stream)[
        "logStreams"
    ]
    assert found["firstEventTimestamp"] == base and found["lastEventTimestamp"] == base + 8
