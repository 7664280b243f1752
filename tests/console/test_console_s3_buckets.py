"""The lesson's last step, "S3 → delete the buckets" (Empty, then Delete), a bucket's
Properties and Permissions tabs, paging through a large folder, and a read-only user who
may look but not create."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from console_kit import console_user, sign_in
from playwright.sync_api import Page, expect

from sagelab.testing import SagelabServer

Client = Callable[..., Any]
Shot = Callable[[Any, str], Path]


def _bucket_with_objects(s3: Any, count: int) -> str:
    bucket = f"sagemaker-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    for i in range(count):
        s3.put_object(Bucket=bucket, Key=f"output/model-{i}.tar.gz", Body=b"m" * i)
    return bucket


def _select_bucket(page: Page, bucket: str) -> None:
    page.goto(f"/_sagelab/console/s3/buckets?prefix={bucket}")
    page.get_by_label(f"Select {bucket}").check()


def test_lesson_empty_then_delete_the_buckets(
    page: Page, server: SagelabServer, client: Client, shot: Shot
) -> None:
    s3 = client("s3")
    bucket = _bucket_with_objects(s3, 3)
    sign_in(page, server)

    _select_bucket(page, bucket)
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_text("This bucket is not empty")).to_be_visible()
    page.get_by_label("To confirm deletion, enter the name of the bucket").fill(bucket)
    page.get_by_role("button", name="Delete bucket").click()
    expect(page.get_by_role("alert")).to_contain_text("The bucket you tried to delete is not empty")
    shot(page, "delete-not-empty")
    s3.head_bucket(Bucket=bucket)

    _select_bucket(page, bucket)
    page.get_by_role("button", name="Empty").click()
    empty = page.get_by_role("button", name="Empty", exact=True)
    expect(empty).to_be_disabled()
    page.get_by_label("To confirm deletion, type permanently delete").fill("permanently delete")
    shot(page, "empty")
    empty.click()
    expect(page.get_by_role("status")).to_contain_text(f'Successfully emptied bucket "{bucket}"')
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0

    _select_bucket(page, bucket)
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_text("This bucket is not empty")).to_have_count(0)
    page.get_by_label("To confirm deletion, enter the name of the bucket").fill(bucket)
    page.get_by_role("button", name="Delete bucket").click()
    expect(page.get_by_role("status")).to_contain_text(f'Successfully deleted bucket "{bucket}"')
    with pytest.raises(ClientError):
        s3.head_bucket(Bucket=bucket)


def test_properties_permissions_and_paging(
    page: Page, server: SagelabServer, client: Client, shot: Shot
) -> None:
    s3 = client("s3")
    bucket = _bucket_with_objects(s3, 103)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "ml"}]})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    sign_in(page, server)
    page.goto(f"/_sagelab/console/s3/buckets/{bucket}?prefix=output/")
    rows = page.locator("#objects-table tbody tr")
    expect(rows).to_have_count(100)
    page.get_by_role("link", name="Next page").click()
    expect(rows).to_have_count(3)
    shot(page, "page-2")

    page.get_by_role("link", name="Properties").click()
    main = page.locator("main")
    expect(main).to_contain_text("Enabled")
    expect(main.locator("#bucket-tags")).to_contain_text("team")
    expect(main).to_contain_text("Server-side encryption with Amazon S3 managed keys (SSE-S3)")
    shot(page, "properties")

    page.get_by_role("link", name="Permissions").click()
    expect(page.get_by_text("No policy to display.")).to_be_visible()
    page.get_by_role("button", name="Edit").click()
    page.get_by_label("Policy").fill("{not json")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("Policies must be valid JSON")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:DeleteBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
            }
        ],
    }
    page.get_by_label("Policy").fill(json.dumps(policy))
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#bucket-policy")).to_contain_text("s3:DeleteBucket")
    shot(page, "permissions")
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == policy


def test_read_only_user_sees_buckets_but_cannot_create(
    page: Page, server: SagelabServer, client: Client, shot: Shot
) -> None:
    iam, s3 = client("iam"), client("s3")
    user, password = console_user(iam, "reader", ["AmazonS3ReadOnlyAccess"])
    existing = _bucket_with_objects(s3, 1)
    sign_in(page, server, user, password)
    _select_bucket(page, existing)
    expect(page.get_by_role("link", name=existing)).to_be_visible()

    wanted = f"reader-made-{uuid.uuid4().hex[:8]}"
    page.get_by_role("button", name="Create bucket").first.click()
    page.get_by_label("Bucket name").fill(wanted)
    page.get_by_role("button", name="Create bucket").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("is not authorized to perform: s3:CreateBucket")
    shot(page, "denied")
    with pytest.raises(ClientError):
        s3.head_bucket(Bucket=wanted)

    _select_bucket(page, existing)
    page.get_by_role("button", name="Empty").click()
    page.get_by_label("To confirm deletion, type permanently delete").fill("permanently delete")
    page.get_by_role("button", name="Empty", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("not authorized to perform: s3:DeleteObject")
    assert s3.list_objects_v2(Bucket=existing)["KeyCount"] == 1
