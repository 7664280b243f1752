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
# One per other built-in: each deploys and predicts with the SDK's default (de)serializers,
# and prints the quality figure the test checks.
BUILTINS = {
    "xgboost-breast-cancer.ipynb": ("Accuracy", 0.93),
    "kmeans-iris.ipynb": ("Adjusted Rand index", 0.65),
    "knn-digits.ipynb": ("Accuracy", 0.95),
    "factorization-machines-digits.ipynb": ("Accuracy", 0.95),
    "random-cut-forest-anomalies.ipynb": ("Precision of the top scores", 0.8),
    "pca-digits.ipynb": ("Captured variance ratio vs scikit-learn", 0.97),
    "deepar-synthetic-series.ipynb": ("Improvement over seasonal naive", 1.0),
}

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
    print("EXIT", name, run.returncode, out[-6000:] if run.returncode else "")
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


def _run_examples(
    sm: Any, jupyter: Callable[[Any, str], Jupyter], role: str, names: list[str]
) -> tuple[str, Jupyter]:
    """Runs `names` inside a new instance; answers the instance's name and its JupyterLab."""
    name = f"nb-examples-{uuid.uuid4().hex[:8]}"
    sm.create_notebook_instance(
        NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=role
    )
    wait_status(sm, name, "InService")
    lab = jupyter(sm, name)
    listed = lab.get("api/contents/SageMaker Examples").json()["content"]
    assert set(names) <= {e["name"] for e in listed}
    out = lab.run(f"NAMES = {names!r}\n{RUNNER}", timeout=420)
    for notebook in names:
        assert f"EXIT {notebook} 0" in out, out
    return name, lab


def _retire(sm: Any, name: str) -> None:
    sm.stop_notebook_instance(NotebookInstanceName=name)
    wait_status(sm, name, "Stopped")
    sm.delete_notebook_instance(NotebookInstanceName=name)


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_example_notebooks_run_inside_an_instance(
    server: SagelabServer,
    client: Callable[..., Any],
    jupyter: Callable[[Any, str], Jupyter],
    examples_role: str,
) -> None:
    sm = client("sagemaker")
    name, lab = _run_examples(sm, jupyter, examples_role, list(NOTEBOOKS))
    boston = _printed(lab, NOTEBOOKS[0])
    assert _number("RMSE", boston) < 0.75 * _number("RMSE of always predicting the mean", boston)
    digits = _printed(lab, NOTEBOOKS[1])
    assert _number("Accuracy", digits) > 0.95
    for printed in (boston, digits):
        _assert_cleaned_up(sm, printed)
    _retire(sm, name)


@pytest.mark.slow
@pytest.mark.timeout(500)
def test_builtin_example_notebooks_deploy_and_predict(
    server: SagelabServer,
    client: Callable[..., Any],
    jupyter: Callable[[Any, str], Jupyter],
    examples_role: str,
) -> None:
    sm = client("sagemaker")
    name, lab = _run_examples(sm, jupyter, examples_role, list(BUILTINS))
    for notebook, (label, floor) in BUILTINS.items():
        printed = _printed(lab, notebook)
        assert _number(label, printed) >= floor, (notebook, printed)
        _assert_cleaned_up(sm, printed)
    _retire(sm, name)
