"""Generic cleanup code empties buckets: boto3's `bucket.object_versions.delete()` and the
list-versions-then-DeleteObjects loop test suites use (with `BypassGovernanceRetention`), on
versioned and unversioned buckets; a batch over the 1000-key limit is refused whole."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError


def _bucket(s3: Any, versioned: bool) -> str:
    name = f"cleanup-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    for i in range(150):
        s3.put_object(Bucket=name, Key=f"dir{i % 3}/k{i}", Body=b"x")
    for i in range(0, 150, 7):
        s3.put_object(Bucket=name, Key=f"dir{i % 3}/k{i}", Body=b"again")
        s3.delete_object(Bucket=name, Key=f"dir{i % 3}/k{i}")
    return name


def _batches(s3: Any, bucket: str, size: int) -> Iterator[list[dict[str, str]]]:
    kwargs: dict[str, Any] = {"Bucket": bucket, "MaxKeys": size}
    truncated = True
    while truncated:
        page = s3.list_object_versions(**kwargs)
        kwargs["KeyMarker"] = page.get("NextKeyMarker")
        kwargs["VersionIdMarker"] = page.get("NextVersionIdMarker")
        truncated = page["IsTruncated"]
        found = page.get("Versions", []) + page.get("DeleteMarkers", [])
        if found:
            yield [{"Key": o["Key"], "VersionId": o["VersionId"]} for o in found]


@pytest.mark.parametrize("versioned", [False, True])
def test_list_versions_then_delete_objects_empties_the_bucket(client: Any, versioned: bool) -> None:
    s3 = client("s3")
    name = _bucket(s3, versioned)
    for batch in _batches(s3, name, 32):
        done = s3.delete_objects(
            Bucket=name, Delete={"Objects": batch, "Quiet": True}, BypassGovernanceRetention=True
        )
        assert not done.get("Errors")
    assert "Versions" not in s3.list_object_versions(Bucket=name)
    s3.delete_bucket(Bucket=name)


@pytest.mark.parametrize("versioned", [False, True])
def test_boto3_resource_deletes_every_version(server: Any, versioned: bool) -> None:
    s3 = server.client("s3")
    name = _bucket(s3, versioned)
    resource = boto3.resource(
        "s3",
        endpoint_url=server.endpoint_url,
        aws_access_key_id=server.access_key_id,
        aws_secret_access_key=server.secret_access_key,
        region_name="us-east-1",
    )
    resource.Bucket(name).object_versions.delete()
    resource.Bucket(name).delete()
    with pytest.raises(ClientError):
        s3.head_bucket(Bucket=name)


def test_delete_objects_refuses_more_than_1000_keys(client: Any) -> None:
    s3 = client("s3")
    name = f"cleanup-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="key-0", Body=b"x")
    wanted = {"Objects": [{"Key": f"key-{i}"} for i in range(1001)]}
    with pytest.raises(ClientError) as exc:
        s3.delete_objects(Bucket=name, Delete=wanted)
    assert exc.value.response["Error"]["Code"] == "MalformedXML"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    s3.head_object(Bucket=name, Key="key-0")  # refused whole: nothing deleted
    s3.delete_objects(Bucket=name, Delete={"Objects": wanted["Objects"][:1000]})
    assert "Contents" not in s3.list_objects_v2(Bucket=name)


def test_directory_bucket_batch_conditions_are_refused_not_ignored(client: Any) -> None:
    s3 = client("s3")
    name = f"cleanup-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.delete_objects(Bucket=name, Delete={"Objects": [{"Key": "k", "Size": 7}]})
    assert exc.value.response["Error"]["Code"] == "NotImplemented"
    assert "Object.Size" in exc.value.response["Error"]["Message"]
    s3.head_object(Bucket=name, Key="k")
