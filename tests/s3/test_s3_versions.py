"""A user turns versioning on and works with versions and delete markers."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _bucket(s3: Any, status: str | None) -> str:
    name = f"versions-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    if status:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": status})
    return name


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, dict[str, str]]:
    response = exc.value.response
    meta = response["ResponseMetadata"]
    return response["Error"]["Code"], meta["HTTPStatusCode"], meta["HTTPHeaders"]


def test_versions_and_delete_markers(client: Any) -> None:
    s3 = client("s3")
    bucket = _bucket(s3, "Enabled")
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"two")["VersionId"]
    assert v1 != v2 and "null" not in (v1, v2)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two"
    old = s3.get_object(Bucket=bucket, Key="k", VersionId=v1)
    assert old["Body"].read() == b"one" and old["VersionId"] == v1
    marker = s3.delete_object(Bucket=bucket, Key="k")
    assert marker["DeleteMarker"] is True and marker["VersionId"] not in (v1, v2)
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="k")
    code, status, headers = _error(exc)
    assert (code, status, headers["x-amz-delete-marker"]) == ("NoSuchKey", 404, "true")
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=bucket, Key="k", VersionId=marker["VersionId"])
    assert _error(exc)[1] == 405
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="k", VersionId=marker["VersionId"])
    assert _error(exc)[:2] == ("MethodNotAllowed", 405)
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    listed = s3.list_object_versions(Bucket=bucket)
    assert [(v["VersionId"], v["IsLatest"]) for v in listed["Versions"]] == [
        (v2, False),
        (v1, False),
    ]
    assert [(m["VersionId"], m["IsLatest"]) for m in listed["DeleteMarkers"]] == [
        (marker["VersionId"], True)
    ]
    # Removing the marker brings the newest version back.
    undo = s3.delete_object(Bucket=bucket, Key="k", VersionId=marker["VersionId"])
    assert undo["DeleteMarker"] is True and undo["VersionId"] == marker["VersionId"]
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two"
    s3.delete_object(Bucket=bucket, Key="k", VersionId=v2)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"one"
    with pytest.raises(ClientError) as exc:
        s3.delete_bucket(Bucket=bucket)
    assert _error(exc)[0] == "BucketNotEmpty"


def test_suspended_overwrites_the_null_version(client: Any) -> None:
    s3 = client("s3")
    bucket = _bucket(s3, None)
    s3.put_object(Bucket=bucket, Key="k", Body=b"before")  # the null version
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    kept = s3.put_object(Bucket=bucket, Key="k", Body=b"enabled")["VersionId"]
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"suspended-1")
    s3.put_object(Bucket=bucket, Key="k", Body=b"suspended-2")
    ids = [v["VersionId"] for v in s3.list_object_versions(Bucket=bucket)["Versions"]]
    assert ids == ["null", kept]
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == (
        b"suspended-2"
    )


def test_version_listing_pages_and_delete_objects(client: Any) -> None:
    s3 = client("s3")
    bucket = _bucket(s3, "Enabled")
    made = {}
    for key in ("a/1", "a/2", "b"):
        made[key] = [s3.put_object(Bucket=bucket, Key=key, Body=b"x")["VersionId"] for _ in "xy"]
    pages = s3.get_paginator("list_object_versions").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 1}
    )
    seen = [(v["Key"], v["VersionId"]) for page in pages for v in page.get("Versions", [])]
    assert seen == [(k, v) for k in ("a/1", "a/2", "b") for v in reversed(made[k])]
    rolled = s3.list_object_versions(Bucket=bucket, Delimiter="/")
    assert rolled["CommonPrefixes"] == [{"Prefix": "a/"}]
    assert [v["Key"] for v in rolled["Versions"]] == ["b", "b"]
    result = s3.delete_objects(
        Bucket=bucket,
        Delete={
            "Objects": [{"Key": "a/1", "VersionId": made["a/1"][0]}, {"Key": "b"}],
        },
    )
    deleted = {d["Key"]: d for d in result["Deleted"]}
    assert deleted["a/1"]["VersionId"] == made["a/1"][0]
    assert deleted["b"]["DeleteMarker"] is True and deleted["b"]["DeleteMarkerVersionId"]
    assert [
        v["VersionId"] for v in s3.list_object_versions(Bucket=bucket, Prefix="a/1")["Versions"]
    ] == [made["a/1"][1]]


def test_cli_versions(cli: Any, client: Any) -> None:
    s3 = client("s3")
    bucket = _bucket(s3, "Enabled")
    s3.put_object(Bucket=bucket, Key="f", Body=b"1")
    s3.put_object(Bucket=bucket, Key="f", Body=b"2")
    out = cli("s3api", "list-object-versions", "--bucket", bucket).stdout
    assert out.count('"VersionId"') == 2
