"""S3 in the browser: create a bucket, browse folders, upload a real file with a progress
bar, look at its details, download it, delete it; every step checked with boto3."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from console_kit import sign_in
from playwright.sync_api import Page, expect

from sagelab.testing import SagelabServer


def test_bucket_create_browse_upload_download_delete(
    page: Page,
    server: SagelabServer,
    client: Callable[..., Any],
    shot: Callable[[Any, str], Path],
    tmp_path: Path,
) -> None:
    s3 = client("s3")
    bucket = f"console-s3-{uuid.uuid4().hex[:10]}"
    sign_in(page, server)
    page.goto("/_sagelab/console/s3/buckets")
    shot(page, "buckets")
    page.get_by_role("button", name="Create bucket").first.click()
    expect(page.get_by_label("AWS Region")).to_have_value("us-east-1")
    page.get_by_label("Bucket name").fill("Not_A_Valid_Name")
    page.get_by_role("button", name="Create bucket").click()
    expect(page.get_by_role("alert")).to_contain_text("The specified bucket is not valid")
    shot(page, "create-invalid")
    page.get_by_label("Bucket name").fill(bucket)
    page.get_by_role("button", name="Create bucket").click()
    expect(page.get_by_role("status")).to_contain_text(f'Successfully created bucket "{bucket}"')
    s3.head_bucket(Bucket=bucket)

    page.get_by_label("Find buckets by name").fill(bucket)
    page.get_by_label("Find buckets by name").press("Enter")
    page.get_by_role("link", name=bucket, exact=True).click()
    expect(page.get_by_text("You don't have any objects in this bucket.")).to_be_visible()
    shot(page, "bucket-empty")

    page.get_by_role("button", name="Create folder").click()
    page.get_by_label("Folder name").fill("data")
    page.get_by_role("button", name="Create folder").click()
    expect(page.get_by_role("link", name="data/", exact=True)).to_be_visible()
    assert s3.head_object(Bucket=bucket, Key="data/")["ContentLength"] == 0
    page.get_by_role("link", name="data/", exact=True).click()
    expect(page.get_by_label("Breadcrumbs")).to_contain_text("data/")

    payload = os.urandom(700_000)
    local = tmp_path / "train.csv"
    local.write_bytes(payload)
    page.get_by_role("button", name="Upload").first.click()
    page.get_by_label("Add files").set_input_files(str(local))
    expect(page.locator("#upload-table")).to_contain_text("train.csv")
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator("#upload-result")).to_contain_text("Upload succeeded")
    expect(page.get_by_label("Upload progress")).to_have_js_property("value", 100)
    shot(page, "upload-done")
    got = s3.get_object(Bucket=bucket, Key="data/train.csv")
    assert got["Body"].read() == payload
    assert got["ContentType"] == "text/csv"

    page.get_by_role("link", name="Close").click()
    page.get_by_role("link", name="train.csv").click()
    details = page.locator("main")
    expect(details).to_contain_text(f"s3://{bucket}/data/train.csv")
    expect(details).to_contain_text(got["ETag"].strip('"'))
    expect(details).to_contain_text("text/csv")
    shot(page, "object")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copy_uri, copy_url = page.locator("button[data-copy]").all()
    copy_uri.click()
    expect(copy_uri).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == f"s3://{bucket}/data/train.csv"
    expect(copy_url).to_have_text("Copy URL")
    copy_url.click()
    expect(copy_url).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(server.endpoint_url) and copied.endswith("/data/train.csv")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    assert download.value.suggested_filename == "train.csv"
    assert Path(download.value.path()).read_bytes() == payload

    page.get_by_role("link", name="data/", exact=True).click()
    page.get_by_label("Select train.csv").check()
    page.get_by_role("button", name="Delete", exact=True).click()
    page.get_by_label("To confirm, type").fill("permanently delete")
    shot(page, "delete-dialog")
    page.get_by_role("button", name="Delete objects").click()
    expect(page.get_by_role("status")).to_contain_text("Successfully deleted 1 object.")
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="data/")
    assert [o["Key"] for o in listed.get("Contents", [])] == ["data/"]
