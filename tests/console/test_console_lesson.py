"""The lesson's whole click path on a new account, as one person clicks it: root adds the
administrator (group, policy, tag, .csv) and activates IAM access to billing; the
administrator signs in through the .csv's link, creates a `sagemaker-<date-time>` bucket,
creates a notebook instance with a new role for that bucket, opens JupyterLab, stops and
deletes it until "There are currently no resources.", deletes the bucket, and reads what it
all would have cost on the Billing page."""

from __future__ import annotations

import csv
import io
import secrets
import time
from pathlib import Path
from typing import Any

import pytest
from console_kit import sign_in, sign_out
from lesson_steps import (
    choose_action,
    create_group_step,
    create_with_new_role,
    details_step,
    refresh_until,
)
from playwright.sync_api import Browser, Page, expect

from sagelab.testing import SagelabServer

CONSOLE = "/_sagelab/console"
EMPTY = "There are currently no resources."


def _add_administrator(page: Page, password: str, shot: Any, tmp_path: Path) -> dict[str, str]:
    page.get_by_text("Services").click()
    page.get_by_role("navigation", name="Services").get_by_role("link", name="IAM").click()
    page.get_by_role("navigation", name="IAM").get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Add users").click()
    details_step(page, "administrator", password)
    create_group_step(page, "Administrators", shot)
    page.get_by_role("button", name="Next: Tags").click()
    page.get_by_role("button", name="Next: Review").click()
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("heading", name="Success")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download .csv").click()
    saved = tmp_path / "credentials.csv"
    download.value.save_as(saved)
    page.get_by_role("button", name="Close").click()
    return next(csv.DictReader(io.StringIO(saved.read_text())))


def _activate_billing_access(page: Page) -> None:
    page.locator("details.account-menu summary").click()
    page.get_by_role("link", name="My Account").click()
    page.get_by_label("Activate IAM Access").check()
    page.get_by_role("button", name="Update").click()
    expect(page.get_by_text("Settings saved")).to_be_visible()


def _create_bucket(page: Page, bucket: str) -> None:
    page.goto(CONSOLE + "/s3/buckets")
    page.get_by_role("button", name="Create bucket").first.click()
    page.get_by_label("Bucket name").fill(bucket)
    page.get_by_role("button", name="Create bucket").click()
    expect(page.get_by_role("link", name=bucket)).to_be_visible()


def _notebook_round_trip(page: Page, name: str, bucket: str, shot: Any) -> None:
    page.goto(CONSOLE + "/sagemaker/notebook-instances")
    expect(page.get_by_text(EMPTY)).to_be_visible()
    create_with_new_role(page, name, bucket)
    page.get_by_role("button", name="Create notebook instance").click()
    row = page.locator("#notebooks-table tr", has_text=name)
    refresh_until(page, row, "InService")
    page.get_by_label(f"Select {name}").check()
    with page.context.expect_page() as opened:
        choose_action(page, "Open JupyterLab")
    lab = opened.value
    expect(lab.locator(".jp-LabShell")).to_be_visible(timeout=60_000)
    lab.close()
    choose_action(page, "Stop")
    refresh_until(page, row, "Stopped")
    page.get_by_label(f"Select {name}").check()
    choose_action(page, "Delete")
    page.locator("#confirm-dialog").get_by_role("button", name="Delete").click()
    deadline = time.monotonic() + 60
    while not page.get_by_text(EMPTY).is_visible():
        assert time.monotonic() < deadline, "the notebook instance was not deleted"
        time.sleep(1)
        page.get_by_role("link", name="Refresh").click()
    shot(page, "no-resources")


def _delete_bucket(page: Page, bucket: str) -> None:
    page.goto(f"{CONSOLE}/s3/buckets?prefix={bucket}")
    page.get_by_label(f"Select {bucket}").check()
    page.get_by_role("button", name="Delete", exact=True).click()
    page.get_by_label("To confirm deletion, enter the name of the bucket").fill(bucket)
    page.get_by_role("button", name="Delete bucket").click()
    expect(page.get_by_role("link", name=bucket)).to_have_count(0)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_lessons_whole_click_path(
    browser: Browser, fresh_server: SagelabServer, shot: Any, tmp_path: Path
) -> None:
    fresh_server.start()
    context = browser.new_context(
        base_url=fresh_server.endpoint_url, viewport={"width": 1280, "height": 860}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    password = "Lesson-" + secrets.token_urlsafe(10)
    sign_in(page, fresh_server)
    row = _add_administrator(page, password, shot, tmp_path)
    _activate_billing_access(page)
    sign_out(page)

    page.goto(row["Console login link"])
    page.get_by_label("IAM user name").fill(row["User name"])
    page.get_by_label("Password", exact=True).fill(row["Password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("main").get_by_text(":user/administrator")).to_be_visible()

    bucket = time.strftime("sagemaker-%Y-%m-%d-%H-%M-%S", time.gmtime())
    _create_bucket(page, bucket)
    _notebook_round_trip(page, "sm-test", bucket, shot)
    _delete_bucket(page, bucket)
    assert fresh_server.client("s3").list_buckets()["Buckets"] == []

    page.goto(CONSOLE + "/billing")
    notebook_rows = page.locator("#usage-table tbody tr", has_text="Notebk")
    expect(notebook_rows.first).to_be_visible()
    # The console's own S3 calls (create and delete bucket) were metered too.
    expect(page.locator("#usage-table tbody tr", has_text="Requests-Tier1").first).to_be_visible()
    shot(page, "billing")
    context.close()
