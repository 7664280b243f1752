"""The lesson's notebook clicks in the SageMaker console, as root: create a notebook instance
with a new execution role for one bucket, open JupyterLab, stop it, delete it."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from console_kit import sign_in
from lesson_steps import choose_action, create_with_new_role, refresh_until
from playwright.sync_api import Page, expect

from sagelab.testing import SagelabServer

NOTEBOOKS = "/_sagelab/console/sagemaker/notebook-instances"


def role_of(client: Callable[..., Any], name: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The notebook's role (with AmazonSageMakerFullAccess attached) and the documents of
    its customer managed policies."""
    iam = client("iam")
    arn = client("sagemaker").describe_notebook_instance(NotebookInstanceName=name)["RoleArn"]
    role = iam.get_role(RoleName=arn.rsplit("/", 1)[-1])["Role"]
    attached = iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]
    arns = [a["PolicyArn"] for a in attached]
    assert "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess" in arns
    documents = []
    for arn in (a for a in arns if not a.startswith("arn:aws:iam::aws:")):
        policy = iam.get_policy(PolicyArn=arn)["Policy"]
        version = iam.get_policy_version(
            PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"]
        )["PolicyVersion"]
        document = version["Document"]
        documents.append(json.loads(unquote(document)) if isinstance(document, str) else document)
    return role, documents


def check_role(client: Callable[..., Any], name: str, bucket: str) -> None:
    role, documents = role_of(client, name)
    trust = role["AssumeRolePolicyDocument"]
    principals = [s["Principal"]["Service"] for s in trust["Statement"]]
    assert principals == ["sagemaker.amazonaws.com"]
    resources = {
        r for d in documents for s in d["Statement"] for r in _as_list(s["Resource"])
        if r.startswith("arn:aws:s3:::")
    }  # fmt: skip
    assert resources == {f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"}


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def test_lesson_notebook_clicks(
    page: Page,
    server: SagelabServer,
    client: Callable[..., Any],
    shot: Callable[[Any, str], Path],
) -> None:
    bucket = f"sagemaker-{uuid.uuid4().hex[:10]}"
    client("s3").create_bucket(Bucket=bucket)
    name = f"lesson-{uuid.uuid4().hex[:6]}"
    sign_in(page, server)
    page.get_by_text("Services").click()
    page.get_by_role("navigation", name="Services").get_by_role(
        "link", name="Amazon SageMaker"
    ).click()
    expect(page.get_by_role("heading", name="Notebook instances", exact=True)).to_be_visible()
    shot(page, "list-before")

    create_with_new_role(page, name, bucket)
    shot(page, "create-form")
    page.get_by_role("button", name="Create notebook instance").click()
    row = page.locator("#notebooks-table tr", has_text=name)
    expect(row).to_be_visible()
    check_role(client, name, bucket)
    desc = client("sagemaker").describe_notebook_instance(NotebookInstanceName=name)
    assert (desc["InstanceType"], desc["RootAccess"]) == ("ml.t2.medium", "Enabled")

    refresh_until(page, row, "InService")
    page.get_by_label(f"Select {name}").check()
    shot(page, "in-service")
    with page.context.expect_page() as opened:
        choose_action(page, "Open JupyterLab")
    lab = opened.value
    lab.wait_for_load_state()
    expect(lab).to_have_title("JupyterLab", timeout=30_000)
    assert lab.url.endswith(f"/_sagelab/notebooks/{name}/lab")
    expect(lab.locator(".jp-LabShell")).to_be_visible(timeout=60_000)
    shot(lab, "jupyterlab")
    lab.close()

    choose_action(page, "Stop")
    refresh_until(page, row, "Stopped")
    page.get_by_label(f"Select {name}").check()
    choose_action(page, "Delete")
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_contain_text(f"Delete {name}?")
    shot(page, "delete-dialog")
    dialog.get_by_role("button", name="Delete").click()
    # Other tests share this server: the lesson's empty list is checked on a fresh one
    # (test_console_lesson.py); here the instance's row goes away.
    deadline = time.monotonic() + 60
    while row.count():
        assert time.monotonic() < deadline, "the notebook instance was not deleted"
        time.sleep(1)
        page.get_by_role("link", name="Refresh").click()
    shot(page, "list-after")


def test_notebook_detail_and_update_settings(
    page: Page,
    server: SagelabServer,
    client: Callable[..., Any],
    shot: Callable[[Any, str], Path],
) -> None:
    sm = client("sagemaker")
    iam = client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
             "Principal": {"Service": "sagemaker.amazonaws.com"}}]}  # fmt: skip
    role = iam.create_role(
        RoleName=f"nb-console-{uuid.uuid4().hex[:6]}", AssumeRolePolicyDocument=json.dumps(trust)
    )["Role"]
    name = f"edit-{uuid.uuid4().hex[:6]}"
    sm.create_notebook_instance(
        NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=role["Arn"]
    )
    deadline = time.monotonic() + 90
    while sm.describe_notebook_instance(NotebookInstanceName=name)["NotebookInstanceStatus"] != (
        "InService"
    ):
        assert time.monotonic() < deadline
        time.sleep(0.5)
    sm.stop_notebook_instance(NotebookInstanceName=name)
    sign_in(page, server)
    page.goto(f"{NOTEBOOKS}/{name}")
    expect(page.get_by_text(role["Arn"])).to_be_visible()
    deadline = time.monotonic() + 60
    while sm.describe_notebook_instance(NotebookInstanceName=name)["NotebookInstanceStatus"] != (
        "Stopped"
    ):
        assert time.monotonic() < deadline
        time.sleep(0.5)
    page.goto(NOTEBOOKS)
    page.get_by_label(f"Select {name}").check()
    choose_action(page, "Update settings")
    page.get_by_label("Notebook instance type").select_option("ml.t2.medium")
    page.get_by_label("Volume size in GB").fill("10")
    page.get_by_label("Disable - Don't give users root access to the notebook").check()
    shot(page, "edit")
    page.get_by_role("button", name="Update notebook instance").click()
    expect(page.get_by_text(f"Updated notebook instance {name}.")).to_be_visible()
    shot(page, "detail")
    desc = sm.describe_notebook_instance(NotebookInstanceName=name)
    assert (desc["InstanceType"], desc["VolumeSizeInGB"], desc["RootAccess"]) == (
        "ml.t2.medium", 10, "Disabled"
    )  # fmt: skip
    sm.delete_notebook_instance(NotebookInstanceName=name)
