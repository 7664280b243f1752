"""CI for the example notebooks an instance comes with: each one is executed by nbclient from
inside a real instance (started from the instance's own conda_python3 kernel, so with its
environment: sagelab's endpoint and the execution role's credentials) against the real
server; the test then reads the executed notebooks back through JupyterLab and checks what
their cells printed."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from nb_kit import TRUST, Jupyter, wait_status

from sagelab.testing import SagelabServer

NOTEBOOKS = ("boston-housing-linear-learner.ipynb", "linear-learner-digits.ipynb")

# Run in the instance's kernel: every example at once (each deploys once, and deploy waits),
# one nbclient process per notebook, each writing its executed copy to `executed/`.
RUNNER = """
import subprocess, sys
from pathlib import Path
work = Path.home() / "SageMaker"
examples = work / "SageMaker Examples"
(work / "executed").mkdir(exist_ok=True)
script = '''
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
try:
    NotebookClient(nb, timeout=240, kernel_name="conda_python3",
                   resources={"metadata": {"path": sys.argv[2]}}).execute()
finally:
    nbformat.write(nb, sys.argv[3])
'''
runs = {
    name: subprocess.Popen(
        [sys.executable, "-c", script, str(examples / name), str(examples),
         str(work / "executed" / name)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for name in NAMES
}
for name, run in runs.items():
    out, _ = run.communicate()
    print("EXIT", name, run.returncode, out[-3000:] if run.returncode else "")
"""


def _printed(lab: Jupyter, name: str) -> str:
    """Everything the executed notebook's cells wrote to stdout."""
    answer = lab.get(f"api/contents/executed/{name}")
    assert answer.status_code == 200, answer.text
    cells = answer.json()["content"]["cells"]
    return "".join(
        out.get("text", "")
        for cell in cells
        if cell["cell_type"] == "code"
        for out in cell["outputs"]
        if out["output_type"] == "stream"
    )


def _number(label: str, text: str) -> float:
    found = re.search(rf"{label}: ([0-9.]+)", text)
    assert found, text
    return float(found.group(1))


def _assert_cleaned_up(sm: Any, printed: str) -> None:
    """The notebook's last cell deleted its endpoint (which may still be on its way out)."""
    found = re.search(r"deleted (\S+)", printed)
    assert found, printed
    try:
        status = sm.describe_endpoint(EndpointName=found.group(1))["EndpointStatus"]
    except sm.exceptions.ClientError:
        return
    assert status == "Deleting"


@pytest.fixture(scope="module")
def examples_role(server: SagelabServer) -> str:
    """What a notebook's execution role usually carries: AmazonSageMakerFullAccess."""
    iam = server.client("iam")
    name = f"nb-examples-{uuid.uuid4().hex[:8]}"
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]
    iam.attach_role_policy(
        RoleName=name, PolicyArn="arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
    )
    arn: str = role["Arn"]
    return arn


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_example_notebooks_run_inside_an_instance(
    server: SagelabServer,
    client: Callable[..., Any],
    jupyter: Callable[[Any, str], Jupyter],
    examples_role: str,
) -> None:
    sm = client("sagemaker")
    name = f"nb-examples-{uuid.uuid4().hex[:8]}"
    sm.create_notebook_instance(
        NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=examples_role
    )
    wait_status(sm, name, "InService")
    lab = jupyter(sm, name)
    listed = lab.get("api/contents/SageMaker Examples").json()["content"]
    assert set(NOTEBOOKS) <= {e["name"] for e in listed}

    out = lab.run(f"NAMES = {list(NOTEBOOKS)!r}\n{RUNNER}", timeout=330)
    for notebook in NOTEBOOKS:
        assert f"EXIT {notebook} 0" in out, out

    boston = _printed(lab, NOTEBOOKS[0])
    assert _number("RMSE", boston) < 0.75 * _number("RMSE of always predicting the mean", boston)
    digits = _printed(lab, NOTEBOOKS[1])
    assert _number("Accuracy", digits) > 0.95
    for printed in (boston, digits):
        _assert_cleaned_up(sm, printed)

    sm.stop_notebook_instance(NotebookInstanceName=name)
    wait_status(sm, name, "Stopped")
    sm.delete_notebook_instance(NotebookInstanceName=name)
