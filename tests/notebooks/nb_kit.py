"""Shared pieces of the notebook tests: an execution role, waiting on status, and a Jupyter
client that signs in through a presigned URL and runs code over the kernel websocket."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests
from websockets.sync.client import connect

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


def role_policy(bucket: str) -> dict[str, Any]:
    """What the notebook may do: SageMaker, STS, its default bucket and `bucket`; nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["sagemaker:*", "sts:GetCallerIdentity"],
             "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:*",
             "Resource": ["arn:aws:s3:::sagemaker-*", "arn:aws:s3:::sagemaker-*/*",
                          f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]},
        ],
    }  # fmt: skip


@pytest.fixture(scope="session")
def data_bucket(server: SagelabServer) -> str:
    s3 = server.client("s3")
    bucket = f"nb-data-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="hello.txt", Body=b"hello from s3")
    return bucket


@pytest.fixture(scope="session")
def role_arn(server: SagelabServer, data_bucket: str) -> str:
    iam = server.client("iam")
    name = f"nb-exec-{uuid.uuid4().hex[:8]}"
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"][
        "Arn"
    ]
    iam.put_role_policy(
        RoleName=name, PolicyName="notebook", PolicyDocument=json.dumps(role_policy(data_bucket))
    )
    return arn


def wait_status(sm: Any, name: str, wanted: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        desc: dict[str, Any] = sm.describe_notebook_instance(NotebookInstanceName=name)
        if desc["NotebookInstanceStatus"] == wanted:
            return desc
        if desc["NotebookInstanceStatus"] == "Failed" and wanted != "Failed":
            raise AssertionError(f"{name} failed: {desc.get('FailureReason')}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{name} stayed {desc['NotebookInstanceStatus']}")
        time.sleep(0.1)


def wait_gone(sm: Any, name: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            sm.describe_notebook_instance(NotebookInstanceName=name)
        except sm.exceptions.ClientError as err:
            assert err.response["Error"]["Code"] == "ValidationException"
            return
        time.sleep(0.1)
    raise AssertionError(f"{name} was not deleted")


class Jupyter:
    """A browser's view of one instance: signed in through a presigned URL."""

    def __init__(self, server: SagelabServer, sm: Any, name: str) -> None:
        self.name = name
        self.base = f"{server.endpoint_url}/_sagelab/notebooks/{name}/"
        self.http = requests.Session()
        url = sm.create_presigned_notebook_instance_url(NotebookInstanceName=name)["AuthorizedUrl"]
        first = self.http.get(url, allow_redirects=False, timeout=10)
        assert first.status_code == 302, first.text
        assert first.headers["Location"] == f"/_sagelab/notebooks/{name}/lab"

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.base + path, timeout=30)

    def put_notebook(self, path: str, cells: list[str]) -> requests.Response:
        content = {
            "cells": [
                {"cell_type": "code", "source": c, "metadata": {}, "outputs": [],
                 "execution_count": None}
                for c in cells
            ],
            "metadata": {"kernelspec": {"name": "conda_python3", "display_name": "conda_python3",
                                        "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5,
        }  # fmt: skip
        body = {"type": "notebook", "format": "json", "content": content}
        return self.http.put(self.base + "api/contents/" + path, json=body, timeout=30)

    def run(self, code: str, timeout: float = 60.0) -> str:
        """Start a conda_python3 kernel, run `code`, answer its stdout (raise on error)."""
        kernel = self.http.post(
            self.base + "api/kernels", json={"name": "conda_python3"}, timeout=30
        )
        assert kernel.status_code == 201, kernel.text
        kernel_id = kernel.json()["id"]
        try:
            return self._execute(kernel_id, code, timeout)
        finally:
            self.http.delete(self.base + f"api/kernels/{kernel_id}", timeout=30)

    def _execute(self, kernel_id: str, code: str, timeout: float) -> str:
        ws_url = self.base.replace("http://", "ws://") + f"api/kernels/{kernel_id}/channels"
        cookie = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        msg_id = uuid.uuid4().hex
        request = {
            "header": {"msg_id": msg_id, "username": "test", "session": uuid.uuid4().hex,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
        }  # fmt: skip
        out: list[str] = []
        with connect(ws_url, additional_headers={"Cookie": cookie}, open_timeout=30) as ws:
            ws.send(json.dumps(request))
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                msg = json.loads(ws.recv(timeout=timeout))
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, content = msg["msg_type"], msg["content"]
                if kind == "stream":
                    out.append(content["text"])
                elif kind == "error":
                    raise AssertionError("\n".join(content["traceback"]))
                elif kind == "status" and content["execution_state"] == "idle":
                    return "".join(out)
        raise AssertionError(f"no answer in {timeout}s; output so far: {out}")


@pytest.fixture
def jupyter(server: SagelabServer) -> Callable[[Any, str], Jupyter]:
    def open_(sm: Any, name: str) -> Jupyter:
        return Jupyter(server, sm, name)

    return open_
