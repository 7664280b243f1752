"""The lesson's console steps, shared by the tests that click through its parts and the one
that clicks through all of it."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import Page, expect


def details_step(page: Any, user: str, password: str) -> None:
    page.get_by_label("User name").fill(user)
    page.get_by_label("Programmatic access").check()
    page.get_by_label("AWS Management Console access").check()
    page.get_by_label("Custom password", exact=True).check()
    page.get_by_label("Custom password value").fill(password)
    page.get_by_label("Require password reset").uncheck()
    page.get_by_role("button", name="Next: Permissions").click()


def create_group_step(page: Any, group: str, shot: Any) -> None:
    page.get_by_label("Add user to group").check()
    page.get_by_role("button", name="Create group").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Group name").fill(group)
    dialog.get_by_label("Filter by type").select_option(label="AWS managed - job function")
    dialog.get_by_label("Filter policies").fill("Administrator")
    dialog.get_by_label("Select AdministratorAccess").check()
    # The job-function filter hides what is not a job function (S3 full access is not).
    assert not dialog.get_by_label("Select AmazonS3FullAccess").is_visible()
    shot(page, "create-group-dialog")
    dialog.get_by_role("button", name="Create group").click()
    page.wait_for_load_state()


def refresh_until(page: Page, row: Any, status: str, timeout: float = 90.0) -> None:
    """Click Refresh, as the lesson says, until the row shows `status`."""
    deadline = time.monotonic() + timeout
    while row.locator(".badge").inner_text() != status:
        assert time.monotonic() < deadline, f"still {row.locator('.badge').inner_text()}"
        time.sleep(1)
        page.get_by_role("link", name="Refresh").click()
        page.wait_for_load_state()


def choose_action(page: Page, action: str) -> None:
    page.locator("details.actions summary").click()
    page.locator("details.actions .menu-body").get_by_text(action, exact=True).click()


def create_with_new_role(page: Page, name: str, bucket: str) -> None:
    page.get_by_role("link", name="Create notebook instance").click()
    page.get_by_label("Notebook instance name").fill(name)
    page.get_by_label("Notebook instance type").select_option("ml.t2.medium")
    page.get_by_label("IAM role", exact=True).select_option(label="Create a new role")
    dialog = page.get_by_role("dialog", name="Create an IAM role")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Specific S3 buckets", exact=True).first.check()
    dialog.get_by_role("textbox", name="Specific S3 buckets").fill(bucket)
    dialog.get_by_role("button", name="Create role").click()
    expect(page.get_by_text("Success! You created an IAM role")).to_be_visible()
    page.get_by_label("Enable - Give users root access to the notebook").check()
