"""A user manages CloudWatch Logs groups with boto3."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest


def _group(stem: str) -> str:
    return f"/sagelab/{stem}/{uuid.uuid4().hex[:10]}"


def test_create_describe_delete(client: Any, server: Any) -> None:
    logs = client("logs")
    name = _group("one")
    before = int(time.time() * 1000)
    logs.create_log_group(logGroupName=name, tags={"team": "ml"})
    found = logs.describe_log_groups(logGroupNamePrefix=name)
    assert "nextToken" not in found
    (group,) = found["logGroups"]
    assert group["logGroupName"] == name
    assert before - 1000 <= group["creationTime"] <= int(time.time() * 1000) + 1000
    stem = f"arn:aws:logs:{server.region}:{server.account_id}:log-group:{name}"
    assert group["arn"] == stem + ":*"
    assert group["logGroupArn"] == stem
    logs.delete_log_group(logGroupName=name)
    assert logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []


def test_errors_as_aws_words_them(client: Any) -> None:
    logs = client("logs")
    name = _group("dup")
    logs.create_log_group(logGroupName=name)
    with pytest.raises(logs.exceptions.ResourceAlreadyExistsException) as exc:
        logs.create_log_group(logGroupName=name)
    assert exc.value.response["Error"]["Message"] == "The specified log group already exists"
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as exc2:
        logs.delete_log_group(logGroupName=name + "-missing")
    assert exc2.value.response["Error"]["Message"] == "The specified log group does not exist."
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.describe_log_groups(logGroupNamePrefix="/a", logGroupNamePattern="b")


def test_pages_and_patterns(client: Any) -> None:
    logs = client("logs")
    stem = f"/sagelab/pages-{uuid.uuid4().hex[:8]}"
    names = [f"{stem}/g{i}" for i in range(5)]
    for n in names:
        logs.create_log_group(logGroupName=n)
    first = logs.describe_log_groups(logGroupNamePrefix=stem, limit=2)
    assert [g["logGroupName"] for g in first["logGroups"]] == names[:2]
    pages = logs.get_paginator("describe_log_groups").paginate(
        logGroupNamePrefix=stem, PaginationConfig={"PageSize": 2}
    )
    assert [g["logGroupName"] for p in pages for g in p["logGroups"]] == names
    last = logs.describe_log_groups(logGroupNamePrefix=stem, limit=5)
    assert "nextToken" not in last
    pattern = logs.describe_log_groups(logGroupNamePattern=stem.upper()[9:] + "/G3")
    assert [g["logGroupName"] for g in pattern["logGroups"]] == [names[3]]
