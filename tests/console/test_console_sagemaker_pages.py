"""The SageMaker console's other pages: the sidebar's lists, lifecycle configurations
created, viewed and deleted in the browser, and a read-only user refused."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from console_kit import console_user, sign_in
from playwright.sync_api import Page, expect

from sagelab.testing import SagelabServer

SIDEBAR = {
    "Notebook instances": "Notebook instances",
    "Lifecycle configurations": "Lifecycle configurations",
    "Training jobs": "Training jobs",
    "Models": "Models",
    "Endpoint configurations": "Endpoint configurations",
    "Endpoints": "Endpoints",
    "Batch transform jobs": "Batch transform jobs",
}
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
         "Principal": {"Service": "sagemaker.amazonaws.com"}}]}  # fmt: skip


def test_sidebar_lists_render(
    page: Page, server: SagelabServer, shot: Callable[[Any, str], Path]
) -> None:
    sign_in(page, server)
    page.goto("/_sagelab/console/sagemaker")
    nav = page.get_by_role("navigation", name="Amazon SageMaker")
    for entry, heading in SIDEBAR.items():
        nav.get_by_role("link", name=entry, exact=True).click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(nav.get_by_role("link", name=entry, exact=True)).to_have_class("current")
        assert page.locator("table tbody tr").count() >= 1
        shot(page, entry.lower().replace(" ", "-"))


def test_lifecycle_configuration_create_view_delete(
    page: Page,
    server: SagelabServer,
    client: Callable[..., Any],
    shot: Callable[[Any, str], Path],
) -> None:
    name = f"lcc-{uuid.uuid4().hex[:6]}"
    sign_in(page, server)
    page.goto("/_sagelab/console/sagemaker/lifecycle-configurations")
    page.get_by_role("link", name="Create configuration").click()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Start notebook").fill("#!/bin/bash\necho started\n")
    shot(page, "create")
    page.get_by_role("button", name="Create configuration").click()
    expect(page.get_by_text(f"Created lifecycle configuration {name}.")).to_be_visible()
    expect(page.get_by_text("echo started")).to_be_visible()
    shot(page, "detail")
    found = client("sagemaker").describe_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName=name
    )
    assert base64.b64decode(found["OnStart"][0]["Content"]) == b"#!/bin/bash\necho started\n"
    assert "OnCreate" not in found or not found["OnCreate"]

    page.goto("/_sagelab/console/sagemaker/lifecycle-configurations")
    page.get_by_label(f"Select {name}").check()
    page.get_by_role("button", name="Delete").click()
    expect(page.locator("#confirm-dialog")).to_contain_text(f"Delete {name}?")
    page.locator("#confirm-dialog").get_by_role("button", name="Delete").click()
    expect(page.get_by_text(f"Deleted {name}.")).to_be_visible()
    listed = client("sagemaker").list_notebook_instance_lifecycle_configs(NameContains=name)
    assert listed["NotebookInstanceLifecycleConfigs"] == []


def _read_only_user(client: Callable[..., Any]) -> tuple[str, str]:
    return console_user(client("iam"), "reader", ["AmazonSageMakerReadOnly", "IAMReadOnlyAccess"])


def test_read_only_user_is_refused_create_notebook_instance(
    page: Page,
    server: SagelabServer,
    client: Callable[..., Any],
    shot: Callable[[Any, str], Path],
) -> None:
    role = client("iam").create_role(
        RoleName=f"ro-nb-{uuid.uuid4().hex[:6]}", AssumeRolePolicyDocument=json.dumps(TRUST)
    )["Role"]
    user, password = _read_only_user(client)
    name = f"refused-{uuid.uuid4().hex[:6]}"
    sign_in(page, server, user, password)
    page.goto("/_sagelab/console/sagemaker/notebook-instances")
    expect(page.get_by_role("heading", name="Notebook instances", exact=True)).to_be_visible()
    page.get_by_role("link", name="Create notebook instance").click()
    page.get_by_label("Notebook instance name").fill(name)
    page.get_by_label("IAM role", exact=True).select_option(role["Arn"])
    page.get_by_role("button", name="Create notebook instance").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("is not authorized to perform")
    expect(alert).to_contain_text("sagemaker:CreateNotebookInstance")
    shot(page, "refused")
    listed = client("sagemaker").list_notebook_instances(NameContains=name)
    assert listed["NotebookInstances"] == []


def test_lists_page_with_the_api_next_token(
    page: Page, server: SagelabServer, client: Callable[..., Any]
) -> None:
    sm = client("sagemaker")
    prefix = f"page-{uuid.uuid4().hex[:4]}"
    names = [f"{prefix}-{i:02d}" for i in range(55)]
    for name in names:
        sm.create_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=name)
    try:
        sign_in(page, server)
        page.goto("/_sagelab/console/sagemaker/lifecycle-configurations")
        first = set(page.locator("#resources-table tbody tr input").evaluate_all(
            "els => els.map(e => e.value)"))  # fmt: skip
        assert len(first) == 50
        page.get_by_role("link", name="Next page").click()
        rest = set(page.locator("#resources-table tbody tr input").evaluate_all(
            "els => els.map(e => e.value)"))  # fmt: skip
        assert first.isdisjoint(rest)
        assert set(names) <= first | rest
    finally:
        for name in names:
            sm.delete_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=name)
