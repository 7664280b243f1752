"""A notebook instance's life through boto3 and a browser's requests: create → InService →
presigned URL → JupyterLab with a conda_python3 kernel acting as the execution role → stop
(proxy refuses) → start (files kept) → delete (home gone)."""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError
from nb_kit import Jupyter, wait_gone, wait_status

from sagelab.testing import SagelabServer

KERNEL_CODE = """
import boto3, sagemaker
from sagemaker import get_execution_role
print("ROLE", get_execution_role())
print("BUCKET", sagemaker.Session().default_bucket())
s3 = boto3.client("s3")
print("DATA", s3.get_object(Bucket={bucket!r}, Key="hello.txt")["Body"].read().decode())
try:
    s3.list_objects_v2(Bucket={private!r})
except Exception as err:
    print("PRIVATE", err.response["Error"]["Code"])
"""


def _metered(server: SagelabServer, name: str) -> list[tuple[str, bool]]:
    """The InService intervals recorded for billing: (instance type, ended)."""
    with sqlite3.connect(server.data_dir / "meta.db") as db:
        rows = db.execute(
            "SELECT instance_type, started_at, ended_at FROM notebook_usage WHERE name_key = ? "
            "ORDER BY started_at",
            (name,),
        ).fetchall()
    return [(kind, ended is not None and ended > started) for kind, started, ended in rows]


def _jupyter_log(logs: Any, name: str, wanted: str) -> list[str]:
    """JupyterLab's output as CloudWatch Logs has it, once a line containing `wanted` came."""
    deadline = time.monotonic() + 20
    while True:
        try:
            events = logs.get_log_events(
                logGroupName="/aws/sagemaker/NotebookInstances",
                logStreamName=f"{name}/jupyter.log",
                startFromHead=True,
            )["events"]
        except logs.exceptions.ResourceNotFoundException:
            events = []
        messages = [e["message"] for e in events]
        if any(wanted in m for m in messages) or time.monotonic() > deadline:
            return messages
        time.sleep(0.2)


@pytest.mark.slow
def test_notebook_instance_life(
    server: SagelabServer,
    client: Callable[..., Any],
    jupyter: Callable[[Any, str], Jupyter],
    role_arn: str,
    data_bucket: str,
) -> None:
    sm = client("sagemaker")
    name = f"nb-{uuid.uuid4().hex[:8]}"
    private = f"private-{uuid.uuid4().hex[:8]}"
    client("s3").create_bucket(Bucket=private)

    arn = sm.create_notebook_instance(
        NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=role_arn
    )["NotebookInstanceArn"]
    assert arn == f"arn:aws:sagemaker:{server.region}:{server.account_id}:notebook-instance/{name}"
    desc = wait_status(sm, name, "InService")
    assert desc["Url"] == f"127.0.0.1:{server.port}/_sagelab/notebooks/{name}/"
    assert (desc["RoleArn"], desc["VolumeSizeInGB"], desc["RootAccess"]) == (role_arn, 5, "Enabled")

    lab = jupyter(sm, name)
    specs = lab.get("api/kernelspecs").json()
    assert specs["default"] == "conda_python3"
    assert specs["kernelspecs"]["conda_python3"]["spec"]["display_name"] == "conda_python3"
    assert lab.put_notebook("kept.ipynb", ["print(1)"]).status_code == 201
    examples = lab.get("api/contents/SageMaker Examples").json()["content"]
    assert "hello-sagelab.ipynb" in {e["name"] for e in examples}

    out = lab.run(KERNEL_CODE.format(bucket=data_bucket, private=private))
    assert f"ROLE {role_arn}" in out
    assert f"BUCKET sagemaker-{server.region}-{server.account_id}" in out
    assert "DATA hello from s3" in out
    assert "PRIVATE AccessDenied" in out  # the role's policies, not root's
    shipped = _jupyter_log(client("logs"), name, "Kernel started")
    assert any("Jupyter Server" in m and "is running at" in m for m in shipped), shipped
    assert any("Kernel started" in m for m in shipped), shipped

    anonymous = requests.get(f"{server.endpoint_url}/_sagelab/notebooks/{name}/api/contents")
    assert anonymous.status_code == 403

    with pytest.raises(ClientError) as refused:
        sm.delete_notebook_instance(NotebookInstanceName=name)
    assert refused.value.response["Error"]["Message"] == (
        "Status (InService) not in ([Stopped, Failed]). Unable to transition to (Deleting) "
        f"for Notebook Instance ({arn})"
    )

    sm.stop_notebook_instance(NotebookInstanceName=name)
    wait_status(sm, name, "Stopped")
    assert lab.get("api/contents").status_code == 409

    sm.start_notebook_instance(NotebookInstanceName=name)
    wait_status(sm, name, "InService")
    kept = lab.get("api/contents/kept.ipynb")
    assert kept.status_code == 200
    assert kept.json()["content"]["cells"][0]["source"] == "print(1)"

    sm.stop_notebook_instance(NotebookInstanceName=name)
    wait_status(sm, name, "Stopped")
    assert _metered(server, name) == [("ml.t3.medium", True), ("ml.t3.medium", True)]
    sm.delete_notebook_instance(NotebookInstanceName=name)
    wait_gone(sm, name)
    assert not (server.data_dir / "notebooks" / name).exists()
    with pytest.raises(ClientError) as gone:
        sm.describe_notebook_instance(NotebookInstanceName=name)
    assert gone.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "RecordNotFound",
    }
