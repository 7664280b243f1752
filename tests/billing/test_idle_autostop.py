"""Idle auto-stop: a notebook instance nobody uses is stopped through StopNotebookInstance
(InService → Stopping → Stopped), flagged as forgotten first, and its InService time is
billed as notebook hours in Cost Explorer."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from billing_kit import change_settings, store_of, today_period, wait_for

from sagelab.billing import forgotten
from sagelab.testing import SagelabServer

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def _status(sm: Any, name: str) -> str:
    status: str = sm.describe_notebook_instance(NotebookInstanceName=name)["NotebookInstanceStatus"]
    return status


def _forgotten_names(server: SagelabServer) -> list[str]:
    meta = store_of(server)
    try:
        return [r.name for r in forgotten(meta, server.account_id)]
    finally:
        meta.close()


@pytest.mark.slow
def test_idle_notebook_is_flagged_then_stopped(fresh_server: SagelabServer) -> None:
    fresh_server.start()
    iam, sm, ce = (fresh_server.client(s) for s in ("iam", "sagemaker", "ce"))
    role = iam.create_role(RoleName="nb", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]
    change_settings(fresh_server, forgotten_after_s=1.0)
    sm.create_notebook_instance(
        NotebookInstanceName="idle", InstanceType="ml.t3.large", RoleArn=role["Arn"]
    )
    wait_for(lambda: _status(sm, "idle") == "InService", timeout=120)
    wait_for(lambda: _forgotten_names(fresh_server) == ["idle"], timeout=10)
    change_settings(fresh_server, stop_idle_notebooks_after_s=2.0)
    seen = set()
    deadline = time.time() + 60
    while _status(sm, "idle") != "Stopped" and time.time() < deadline:
        seen.add(_status(sm, "idle"))
        time.sleep(0.1)
    assert _status(sm, "idle") == "Stopped"
    assert "Stopping" in seen or "InService" in seen
    assert _forgotten_names(fresh_server) == []
    answer = ce.get_cost_and_usage(
        TimePeriod=today_period(),
        Granularity="DAILY",
        Metrics=["UsageQuantity", "UnblendedCost"],
        GroupBy=[{"Type": "DIMENSION", "Key": "USAGE_TYPE"}],
    )
    groups = {g["Keys"][0]: g["Metrics"] for g in answer["ResultsByTime"][0]["Groups"]}
    hours = float(groups["USE1-Notebk:ml.t3.large"]["UsageQuantity"]["Amount"])
    assert 0 < hours < 0.1
    cost = float(groups["USE1-Notebk:ml.t3.large"]["UnblendedCost"]["Amount"])
    assert cost == pytest.approx(hours * 0.10, rel=1e-6)  # ml.t3.large: no free tier
