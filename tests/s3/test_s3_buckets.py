"""A user creates, inspects, lists and removes buckets with boto3 and the AWS CLI."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _bucket() -> str:
    return f"bucket-{uuid.uuid4().hex[:12]}"


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, dict[str, Any]]:
    response = exc.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response


def test_bucket_lifecycle(client: Any, server: Any) -> None:
    s3 = client("s3")
    name = _bucket()
    assert s3.create_bucket(Bucket=name)["Location"] == f"/{name}"
    head = s3.head_bucket(Bucket=name, ExpectedBucketOwner=server.account_id)
    assert head["BucketRegion"] == "us-east-1"
    listed = s3.list_buckets()
    assert name in [b["Name"] for b in listed["Buckets"]]
    entry = next(b for b in listed["Buckets"] if b["Name"] == name)
    assert entry["BucketRegion"] == "us-east-1" and entry["CreationDate"].tzinfo
    assert len(listed["Owner"]["ID"]) == 64
    s3.delete_bucket(Bucket=name)
    with pytest.raises(ClientError) as exc:
        s3.head_bucket(Bucket=name)
    assert _error(exc)[:2] == ("404", 404)


def test_us_east_1_recreate_is_idempotent_elsewhere_conflicts(client: Any) -> None:
    name = _bucket()
    s3 = client("s3")
    s3.create_bucket(Bucket=name)
    s3.create_bucket(Bucket=name)  # AWS answers 200 in us-east-1
    west = client("s3", region_name="us-west-2")
    other = _bucket()
    west.create_bucket(Bucket=other, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    assert west.head_bucket(Bucket=other)["BucketRegion"] == "us-west-2"
    with pytest.raises(ClientError) as exc:
        west.create_bucket(
            Bucket=other, CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
        )
    code, status, response = _error(exc)
    assert (code, status) == ("BucketAlreadyOwnedByYou", 409)
    assert response["Error"]["BucketName"] == other


def test_regional_endpoint_needs_matching_constraint(client: Any) -> None:
    with pytest.raises(ClientError) as exc:
        client("s3", region_name="eu-west-1").create_bucket(Bucket=_bucket())
    assert _error(exc)[:2] == ("IllegalLocationConstraintException", 400)


@pytest.mark.parametrize("name", ["ab", "Upper-Case", "bad..dots", "192.168.1.1"])
def test_invalid_bucket_name(client: Any, name: str) -> None:
    with pytest.raises(ClientError) as exc:
        client("s3").create_bucket(Bucket=name)
    code, status, response = _error(exc)
    assert (code, status) == ("InvalidBucketName", 400)
    assert response["Error"]["Message"] == "The specified bucket is not valid."


def test_missing_and_foreign_owner(client: Any) -> None:
    s3 = client("s3")
    with pytest.raises(ClientError) as exc:
        s3.delete_bucket(Bucket=_bucket())
    code, status, response = _error(exc)
    assert (code, status) == ("NoSuchBucket", 404)
    assert response["Error"]["Message"] == "The specified bucket does not exist"
    name = _bucket()
    s3.create_bucket(Bucket=name)
    with pytest.raises(ClientError) as exc:
        s3.head_bucket(Bucket=name, ExpectedBucketOwner="111122223333")
    assert _error(exc)[:2] == ("403", 403)


def test_delete_non_empty_bucket(client: Any) -> None:
    s3 = client("s3")
    name = _bucket()
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.delete_bucket(Bucket=name)
    code, status, response = _error(exc)
    assert (code, status) == ("BucketNotEmpty", 409)
    assert response["Error"]["BucketName"] == name
    s3.delete_object(Bucket=name, Key="k")
    s3.delete_bucket(Bucket=name)


def test_list_buckets_pages(client: Any) -> None:
    s3 = client("s3")
    stem = f"pg-{uuid.uuid4().hex[:8]}"
    names = [f"{stem}-{i}" for i in range(3)]
    for n in names:
        s3.create_bucket(Bucket=n)
    first = s3.list_buckets(Prefix=stem, MaxBuckets=2)
    assert [b["Name"] for b in first["Buckets"]] == names[:2]
    rest = s3.list_buckets(Prefix=stem, MaxBuckets=2, ContinuationToken=first["ContinuationToken"])
    assert [b["Name"] for b in rest["Buckets"]] == names[2:]
    assert "ContinuationToken" not in rest


def test_cli_mb_ls_cp_rb(cli: Any, tmp_path: Any) -> None:
    name = _bucket()
    source = tmp_path / "hello.txt"
    source.write_text("hello from the cli\n")
    assert f"make_bucket: {name}" in cli("s3", "mb", f"s3://{name}").stdout
    assert name in cli("s3", "ls").stdout
    cli("s3", "cp", str(source), f"s3://{name}/dir/hello.txt")
    back = tmp_path / "back.txt"
    cli("s3", "cp", f"s3://{name}/dir/hello.txt", str(back))
    assert back.read_text() == "hello from the cli\n"
    cli("s3api", "delete-object", "--bucket", name, "--key", "dir/hello.txt")
    assert f"remove_bucket: {name}" in cli("s3", "rb", f"s3://{name}").stdout
