"""CloudWatch Logs in the browser: a group, its streams newest first, a stream's events
written with boto3, and a new event showing up without a reload (the live tail)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from console_kit import console_user, sign_in
from playwright.sync_api import Page, expect

from sagelab.testing import SagelabServer


def _put(logs: Any, group: str, stream: str, *messages: str) -> None:
    now = int(time.time() * 1000)
    events = [{"timestamp": now + i, "message": m} for i, m in enumerate(messages)]
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)


def test_log_groups_streams_and_live_tail(
    page: Page, server: SagelabServer, client: Callable[..., Any], shot: Callable[[Any, str], Path]
) -> None:
    logs = client("logs")
    group = f"/aws/sagemaker/TrainingJobs-{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=group)
    for stream in ("job-a/algo-1-old", "job-a/algo-1-new"):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    _put(logs, group, "job-a/algo-1-old", "old stream line")
    time.sleep(0.01)
    _put(logs, group, "job-a/algo-1-new", "epoch 1 loss 0.9", "epoch 2 loss 0.5")

    sign_in(page, server)
    page.goto("/_sagelab/console/cloudwatch/log-groups")
    page.get_by_label("Filter log groups by prefix").fill(group)
    page.get_by_label("Filter log groups by prefix").press("Enter")
    shot(page, "groups")
    page.get_by_role("link", name=group).click()
    names = page.locator("#log-streams-table tbody tr td:first-child")
    expect(names).to_have_text(["job-a/algo-1-new", "job-a/algo-1-old"])
    shot(page, "streams")

    page.get_by_role("link", name="job-a/algo-1-new").click()
    messages = page.locator("table.log-events tbody td pre")
    expect(messages).to_have_text(["epoch 1 loss 0.9", "epoch 2 loss 0.5"])
    _put(logs, group, "job-a/algo-1-new", "epoch 3 loss 0.2")
    expect(messages).to_have_text(
        ["epoch 1 loss 0.9", "epoch 2 loss 0.5", "epoch 3 loss 0.2"], timeout=10_000
    )
    shot(page, "events")


def test_viewer_waits_for_a_stream_that_does_not_exist_yet(
    page: Page, server: SagelabServer, client: Callable[..., Any]
) -> None:
    logs = client("logs")
    group = f"/aws/sagemaker/Pending-{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=group)
    sign_in(page, server)
    page.goto(f"/_sagelab/console/cloudwatch/log-events?group={group}&stream=later")
    expect(page.get_by_role("status")).to_contain_text("Waiting for the log stream")
    logs.create_log_stream(logGroupName=group, logStreamName="later")
    _put(logs, group, "later", "finally here")
    expect(page.locator("table.log-events tbody td pre")).to_have_text(
        ["finally here"], timeout=10_000
    )


def test_user_without_logs_permissions_is_refused(
    page: Page, server: SagelabServer, client: Callable[..., Any]
) -> None:
    iam = client("iam")
    user, password = console_user(iam, "nologs")
    sign_in(page, server, user, password)
    page.goto("/_sagelab/console/cloudwatch/log-groups")
    expect(page.get_by_role("alert")).to_contain_text(
        "is not authorized to perform: logs:DescribeLogGroups"
    )
