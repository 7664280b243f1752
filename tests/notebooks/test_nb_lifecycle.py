"""Lifecycle scripts really run: OnCreate once, OnStart on every start, in the instance's home
with the role's credentials, their output in CloudWatch Logs; then an update while Stopped."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from nb_kit import wait_gone, wait_status

from sagelab.testing import SagelabServer

ON_CREATE = "echo created > SageMaker/created.txt\necho on-create ran in $PWD\n"
ON_START = (
    "echo start >> SageMaker/starts.txt\n"
    "python -c \"import boto3; print('as', boto3.client('sts').get_caller_identity()['Arn'])\"\n"
)


def _b64(script: str) -> list[dict[str, str]]:
    return [{"Content": base64.b64encode(script.encode()).decode()}]


def _messages(logs: Any, stream: str) -> list[str]:
    events = logs.get_log_events(
        logGroupName="/aws/sagemaker/NotebookInstances", logStreamName=stream, startFromHead=True
    )["events"]
    return [e["message"] for e in events]


@pytest.mark.slow
def test_lifecycle_scripts_run_and_log(
    server: SagelabServer, client: Callable[..., Any], role_arn: str
) -> None:
    sm, logs = client("sagemaker"), client("logs")
    name = f"lcc-nb-{uuid.uuid4().hex[:8]}"
    config = f"setup-{uuid.uuid4().hex[:8]}"
    sm.create_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName=config, OnCreate=_b64(ON_CREATE), OnStart=_b64(ON_START)
    )
    sm.create_notebook_instance(
        NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=role_arn,
        LifecycleConfigName=config, VolumeSizeInGB=10,
    )  # fmt: skip
    assert wait_status(sm, name, "InService")["NotebookInstanceLifecycleConfigName"] == config

    home = server.data_dir / "notebooks" / name
    assert (home / "SageMaker" / "created.txt").read_text() == "created\n"
    assert _messages(logs, f"{name}/LifecycleConfigOnCreate") == [f"on-create ran in {home}"]
    role_name = role_arn.rsplit("/", 1)[1]
    session = f"arn:aws:sts::{server.account_id}:assumed-role/{role_name}/SageMaker"
    assert _messages(logs, f"{name}/LifecycleConfigOnStart") == [f"as {session}"]

    sm.stop_notebook_instance(NotebookInstanceName=name)
    wait_status(sm, name, "Stopped")
    with pytest.raises(ClientError) as shrink:
        sm.update_notebook_instance(NotebookInstanceName=name, VolumeSizeInGB=5)
    assert shrink.value.response["Error"]["Code"] == "ValidationException"
    sm.update_notebook_instance(
        NotebookInstanceName=name, InstanceType="ml.t3.large", VolumeSizeInGB=20,
        DisassociateLifecycleConfig=True,
    )  # fmt: skip
    desc = sm.describe_notebook_instance(NotebookInstanceName=name)
    assert (desc["InstanceType"], desc["VolumeSizeInGB"]) == ("ml.t3.large", 20)
    assert "NotebookInstanceLifecycleConfigName" not in desc
    assert (home / "SageMaker" / "starts.txt").read_text() == "start\n"

    sm.delete_notebook_instance(NotebookInstanceName=name)
    wait_gone(sm, name)


def test_failing_script_fails_the_instance(
    server: SagelabServer, client: Callable[..., Any], role_arn: str
) -> None:
    sm, logs = client("sagemaker"), client("logs")
    name = f"lcc-bad-{uuid.uuid4().hex[:8]}"
    config = f"broken-{uuid.uuid4().hex[:8]}"
    config_arn = sm.create_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName=config, OnCreate=_b64("echo about to fail\nfalse\n")
    )["NotebookInstanceLifecycleConfigArn"]
    arn = sm.create_notebook_instance(
        NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=role_arn,
        LifecycleConfigName=config,
    )["NotebookInstanceArn"]  # fmt: skip
    desc = wait_status(sm, name, "Failed")
    assert desc["FailureReason"].startswith(
        f"Notebook Instance Lifecycle Config '{config_arn}' for Notebook Instance '{arn}' failed."
    )
    assert _messages(logs, f"{name}/LifecycleConfigOnCreate") == ["about to fail"]
    sm.delete_notebook_instance(NotebookInstanceName=name)
    wait_gone(sm, name)
