"""kill -9 of an instance's JupyterLab: the instance notices and starts it again, as its own
supervisor would on SageMaker; the files in its home survive and the browser session goes on."""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from nb_kit import Jupyter, wait_gone, wait_status

from sagelab.testing import SagelabServer


def _jupyter_pid(data_dir: Path, name: str) -> int:
    """The JupyterLab process: the only child of the runner's wrapper for it."""
    for record in (data_dir / "run").glob("*.json"):
        entry = json.loads(record.read_text())
        if entry["name"].endswith(f"/{name}/jupyter"):
            wrapper = entry["pid"]
            children = Path(f"/proc/{wrapper}/task/{wrapper}/children").read_text().split()
            return int(children[0])
    raise AssertionError(f"no JupyterLab process recorded for {name}")


def _until(check: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


@pytest.mark.slow
def test_killed_jupyter_is_restarted_and_files_survive(
    server: SagelabServer,
    client: Callable[..., Any],
    jupyter: Callable[[Any, str], Jupyter],
    role_arn: str,
) -> None:
    sm = client("sagemaker")
    name = f"kill-{uuid.uuid4().hex[:8]}"
    sm.create_notebook_instance(
        NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=role_arn
    )
    wait_status(sm, name, "InService")
    lab = jupyter(sm, name)
    assert lab.put_notebook("survivor.ipynb", ["x = 1"]).status_code == 201

    first = _jupyter_pid(server.data_dir, name)
    os.kill(first, signal.SIGKILL)
    _until(lambda: lab.get("api/contents/survivor.ipynb").status_code == 200
           and _jupyter_pid(server.data_dir, name) != first, 90)  # fmt: skip
    desc = sm.describe_notebook_instance(NotebookInstanceName=name)
    assert desc["NotebookInstanceStatus"] == "InService"

    sm.stop_notebook_instance(NotebookInstanceName=name)
    wait_status(sm, name, "Stopped")
    sm.delete_notebook_instance(NotebookInstanceName=name)
    wait_gone(sm, name)
