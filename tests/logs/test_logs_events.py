"""A user writes and reads CloudWatch Logs streams with boto3, the way AWS answers."""

from __future__ import annotations

import time
from typing import Any

import pytest


def _now_ms() -> int:
    return int(time.time() * 1000)


def _put(logs: Any, group: str, stream: str, messages: list[str], start: int) -> Any:
    events = [{"timestamp": start + i, "message": m} for i, m in enumerate(messages)]
    return logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)


def test_streams_are_listed_by_name_or_last_event(client: Any, group: str) -> None:
    logs = client("logs")
    for name in ("job/algo-2", "job/algo-1", "other"):
        logs.create_log_stream(logGroupName=group, logStreamName=name)
    now = _now_ms()
    _put(logs, group, "job/algo-2", ["late"], now)
    _put(logs, group, "job/algo-1", ["early"], now - 5000)
    found = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix="job/")
    assert "nextToken" not in found
    assert [s["logStreamName"] for s in found["logStreams"]] == ["job/algo-1", "job/algo-2"]
    first = found["logStreams"][0]
    assert first["firstEventTimestamp"] == first["lastEventTimestamp"] == now - 5000
    assert first["storedBytes"] == len("early") + 26
    assert first["arn"].endswith(f":log-group:{group}:log-stream:job/algo-1")
    by_time = logs.describe_log_streams(
        logGroupName=group, orderBy="LastEventTime", descending=True
    )
    assert [s["logStreamName"] for s in by_time["logStreams"]] == [
        "job/algo-2",
        "job/algo-1",
        "other",
    ]
    one = logs.describe_log_streams(logGroupName=group, limit=1)
    assert "nextToken" in one
    pages = logs.get_paginator("describe_log_streams").paginate(
        logGroupName=group, PaginationConfig={"PageSize": 2}
    )
    assert [s["logStreamName"] for p in pages for s in p["logStreams"]] == [
        "job/algo-1",
        "job/algo-2",
        "other",
    ]
    # SDK v2 asks for exactly instance_count streams: no token when no more exist.
    exact = logs.describe_log_streams(
        logGroupName=group, logStreamNamePrefix="job/", orderBy="LogStreamName", limit=2
    )
    assert len(exact["logStreams"]) == 2 and "nextToken" not in exact


def test_stream_errors_as_aws_words_them(client: Any, group: str) -> None:
    logs = client("logs")
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    with pytest.raises(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_stream(logGroupName=group, logStreamName="s")
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as exc:
        logs.get_log_events(logGroupName=group, logStreamName="missing")
    assert exc.value.response["Error"]["Message"] == "The specified log stream does not exist."
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as exc:
        logs.put_log_events(
            logGroupName=group + "-no",
            logStreamName="s",
            logEvents=[{"timestamp": 1, "message": "x"}],
        )
    assert exc.value.response["Error"]["Message"] == "The specified log group does not exist."
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.describe_log_streams(
            logGroupName=group, orderBy="LastEventTime", logStreamNamePrefix="s"
        )
    logs.delete_log_stream(logGroupName=group, logStreamName="s")
    with pytest.raises(logs.exceptions.ResourceNotFoundException):
        logs.delete_log_stream(logGroupName=group, logStreamName="s")


def test_put_rules(client: Any, group: str) -> None:
    logs = client("logs")
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    now = _now_ms()
    with pytest.raises(logs.exceptions.InvalidParameterException) as exc:
        logs.put_log_events(
            logGroupName=group,
            logStreamName="s",
            logEvents=[{"timestamp": now, "message": "b"}, {"timestamp": now - 1, "message": "a"}],
        )
    assert "chronological order" in exc.value.response["Error"]["Message"]
    day = 86_400_000
    answer = logs.put_log_events(
        logGroupName=group,
        logStreamName="s",
        sequenceToken="ignored",
        logEvents=[
            {"timestamp": now - 14 * day - 7_200_000, "message": "too old"},
            {"timestamp": now - 14 * day - 7_199_999, "message": "too old too"},
            {"timestamp": now - 14 * day + 60_000, "message": "kept"},
        ],
    )
    assert answer["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1}
    assert answer["nextSequenceToken"]
    fresh = logs.put_log_events(
        logGroupName=group,
        logStreamName="s",
        logEvents=[
            {"timestamp": now, "message": "kept too"},
            {"timestamp": now + 3 * 3_600_000, "message": "too new"},
        ],
    )
    assert fresh["rejectedLogEventsInfo"] == {"tooNewLogEventStartIndex": 1}
    got = logs.get_log_events(logGroupName=group, logStreamName="s", startFromHead=True)
    assert [e["message"] for e in got["events"]] == ["kept", "kept too"]
    big = [{"timestamp": now, "message": "x" * 200_000}] * 6
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=big)


def test_get_log_events_tokens_are_cursors(client: Any, group: str) -> None:
    logs = client("logs")
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    now = _now_ms()
    _put(logs, group, "s", [f"line {i}" for i in range(5)], now)
    kw = {"logGroupName": group, "logStreamName": "s"}
    head = logs.get_log_events(**kw, startFromHead=True, limit=2)
    assert [e["message"] for e in head["events"]] == ["line 0", "line 1"]
    assert head["nextForwardToken"].startswith("f/")
    assert head["nextBackwardToken"].startswith("b/")
    rest = logs.get_log_events(**kw, nextToken=head["nextForwardToken"])
    assert [e["message"] for e in rest["events"]] == ["line 2", "line 3", "line 4"]
    end = logs.get_log_events(**kw, nextToken=rest["nextForwardToken"])
    assert end["events"] == [] and end["nextForwardToken"] == rest["nextForwardToken"]
    back = logs.get_log_events(**kw, nextToken=rest["nextBackwardToken"], limit=1)
    assert [e["message"] for e in back["events"]] == ["line 1"]
    # The end token stays a cursor: appended events show up behind it (SDK v3 tails so).
    _put(logs, group, "s", ["line 5"], now + 10)
    later = logs.get_log_events(**kw, nextToken=end["nextForwardToken"])
    assert [e["message"] for e in later["events"]] == ["line 5"]
    tail = logs.get_log_events(**kw, limit=2)
    assert [e["message"] for e in tail["events"]] == ["line 4", "line 5"]
    window = logs.get_log_events(**kw, startTime=now + 1, endTime=now + 3, startFromHead=True)
    assert [e["message"] for e in window["events"]] == ["line 1", "line 2"]
    assert window["events"][0]["timestamp"] == now + 1
    assert abs(window["events"][0]["ingestionTime"] - _now_ms()) < 60_000
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.get_log_events(**kw, nextToken="f/not-a-token")


def test_empty_stream_still_answers_tokens(client: Any, group: str) -> None:
    logs = client("logs")
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    got = logs.get_log_events(logGroupName=group, logStreamName="s", startFromHead=True)
    assert got["events"] == []
    assert got["nextForwardToken"].startswith("f/") and got["nextBackwardToken"].startswith("b/")
    _put(logs, group, "s", ["first"], _now_ms())
    again = logs.get_log_events(
        logGroupName=group, logStreamName="s", nextToken=got["nextForwardToken"]
    )
    assert [e["message"] for e in again["events"]] == ["first"]


def test_filter_log_events(client: Any, group: str) -> None:
    logs = client("logs")
    now = _now_ms()
    for stream, lines in {
        "job/algo-1": ["ERROR disk full", "INFO epoch 1", "WARN slow step"],
        "job/algo-2": ["INFO epoch 1", "ERROR out of memory", "INFO done"],
        "side": ["ERROR elsewhere"],
    }.items():
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        _put(logs, group, stream, lines, now)

    def messages(**kw: Any) -> list[str]:
        pages = logs.get_paginator("filter_log_events").paginate(logGroupName=group, **kw)
        return [e["message"] for p in pages for e in p["events"]]

    assert messages(filterPattern="ERROR", logStreamNamePrefix="job/") == [
        "ERROR disk full",
        "ERROR out of memory",
    ]
    assert messages(filterPattern='"out of memory"') == ["ERROR out of memory"]
    assert sorted(messages(filterPattern="?WARN ?done")) == ["INFO done", "WARN slow step"]
    assert messages(filterPattern="ERROR -disk", logStreamNames=["job/algo-1", "side"]) == [
        "ERROR elsewhere"
    ]
    assert messages(filterPattern="error") == []  # terms are case-sensitive
    assert len(messages(startTime=now + 1, endTime=now + 2)) == 2
    page = logs.filter_log_events(logGroupName=group, limit=2)
    assert len(page["events"]) == 2 and "nextToken" in page
    event = page["events"][0]
    assert set(event) == {"logStreamName", "timestamp", "message", "ingestionTime", "eventId"}
    last = logs.filter_log_events(logGroupName=group, limit=7)
    assert len(last["events"]) == 7 and "nextToken" not in last
    with pytest.raises(client("logs").exceptions.ClientError) as exc:
        logs.filter_log_events(logGroupName=group, filterPattern='{ $.level = "ERROR" }')
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "JSON" in exc.value.response["Error"]["Message"]


def test_retention_policy(client: Any, group: str) -> None:
    logs = client("logs")
    logs.put_retention_policy(logGroupName=group, retentionInDays=7)
    (found,) = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert found["retentionInDays"] == 7
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    old = _now_ms() - 8 * 86_400_000
    answer = _put(logs, group, "s", ["expired", "expired too"], old)
    assert answer["rejectedLogEventsInfo"] == {"expiredLogEventEndIndex": 1}
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.put_retention_policy(logGroupName=group, retentionInDays=2)
    logs.delete_retention_policy(logGroupName=group)
    (found,) = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert "retentionInDays" not in found
    with pytest.raises(logs.exceptions.ResourceNotFoundException):
        logs.put_retention_policy(logGroupName=group + "-no", retentionInDays=7)
