"""A user stores and reads objects: metadata, ranges, conditions, odd keys, large bodies."""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError


@pytest.fixture
def bucket(client: Any) -> str:
    name = f"objects-{uuid.uuid4().hex[:12]}"
    client("s3").create_bucket(Bucket=name)
    return name


def _code(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = exc.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_put_get_head_with_metadata(client: Any, bucket: str) -> None:
    s3 = client("s3")
    body = b"hello, world"
    put = s3.put_object(
        Bucket=bucket,
        Key="greeting.txt",
        Body=body,
        ContentType="text/plain",
        ContentEncoding="identity",
        ContentDisposition="attachment",
        CacheControl="no-cache",
        Metadata={"Owner": "alice"},
    )
    assert put["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    got = s3.get_object(Bucket=bucket, Key="greeting.txt")
    assert got["Body"].read() == body
    assert got["ContentLength"] == len(body)
    assert got["ETag"] == put["ETag"]
    assert got["ContentType"] == "text/plain"
    assert got["ContentDisposition"] == "attachment"
    assert got["CacheControl"] == "no-cache"
    assert got["Metadata"] == {"owner": "alice"}
    assert abs(got["LastModified"] - datetime.now(UTC)) < timedelta(minutes=1)
    head = s3.head_object(Bucket=bucket, Key="greeting.txt")
    assert head["ContentLength"] == len(body) and head["ETag"] == put["ETag"]
    assert head["Metadata"] == {"owner": "alice"}


def test_default_content_type_and_overwrite(client: Any, bucket: str) -> None:
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    s3.put_object(Bucket=bucket, Key="k", Body=b"two!")
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["ContentType"] == "binary/octet-stream"
    assert got["Body"].read() == b"two!"


@pytest.mark.parametrize(
    "key", ["../escape", "a/../../b", "ünïcødé/文件 名.txt", "with space+plus", "/leading"]
)
def test_keys_are_data(client: Any, bucket: str, key: str, server: Any) -> None:
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == key.encode()
    assert not any(key in str(p) for p in Path(server.data_dir).rglob("*"))


@pytest.mark.parametrize(
    ("range_header", "expected", "content_range"),
    [
        ("bytes=0-3", b"0123", "bytes 0-3/10"),
        ("bytes=7-", b"789", "bytes 7-9/10"),
        ("bytes=-2", b"89", "bytes 8-9/10"),
        ("bytes=5-100", b"56789", "bytes 5-9/10"),
    ],
)
def test_ranged_get(
    client: Any, bucket: str, range_header: str, expected: bytes, content_range: str
) -> None:
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="digits", Body=b"0123456789")
    got = s3.get_object(Bucket=bucket, Key="digits", Range=range_header)
    assert got["Body"].read() == expected
    assert got["ContentRange"] == content_range
    assert got["ContentLength"] == len(expected)


def test_unsatisfiable_range(client: Any, bucket: str) -> None:
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="digits", Body=b"0123456789")
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="digits", Range="bytes=10-20")
    assert _code(exc) == ("InvalidRange", 416)


def test_conditional_get(client: Any, bucket: str) -> None:
    s3 = client("s3")
    etag = s3.put_object(Bucket=bucket, Key="c", Body=b"data")["ETag"]
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag)["Body"].read() == b"data"
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="c", IfMatch='"nope"')
    assert _code(exc) == ("PreconditionFailed", 412)
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=bucket, Key="c", IfNoneMatch=etag)
    assert _code(exc)[1] == 304


def test_missing_key_and_bucket(client: Any, bucket: str) -> None:
    s3 = client("s3")
    with pytest.raises(s3.exceptions.NoSuchKey) as exc:
        s3.get_object(Bucket=bucket, Key="absent/key")
    assert exc.value.response["Error"]["Key"] == "absent/key"
    assert exc.value.response["Error"]["Message"] == "The specified key does not exist."
    with pytest.raises(ClientError) as exc2:
        s3.head_object(Bucket=bucket, Key="absent")
    assert _code(exc2) == ("404", 404)
    with pytest.raises(s3.exceptions.NoSuchBucket) as exc3:
        s3.put_object(Bucket=f"missing-{uuid.uuid4().hex[:8]}", Key="k", Body=b"")
    assert exc3.value.response["Error"]["BucketName"].startswith("missing-")


def test_delete_is_idempotent(client: Any, bucket: str) -> None:
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="gone", Body=b"x")
    assert s3.delete_object(Bucket=bucket, Key="gone")["ResponseMetadata"]["HTTPStatusCode"] == 204
    s3.delete_object(Bucket=bucket, Key="gone")
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=bucket, Key="gone")


def test_checksums_are_kept_and_returned(client: Any, bucket: str) -> None:
    s3 = client("s3")
    put = s3.put_object(Bucket=bucket, Key="sum", Body=b"checked", ChecksumAlgorithm="SHA256")
    assert put["ChecksumSHA256"]
    got = s3.get_object(Bucket=bucket, Key="sum", ChecksumMode="ENABLED")
    assert got["Body"].read() == b"checked"
    assert got["ChecksumSHA256"] == put["ChecksumSHA256"]


def test_wrong_content_md5_is_refused(client: Any, bucket: str) -> None:
    s3 = client("s3")
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="md5", Body=b"abc", ContentMD5="1B2M2Y8AsgTpgAmY7PhCfg==")
    assert _code(exc) == ("BadDigest", 400)
    with pytest.raises(ClientError) as missing:
        s3.head_object(Bucket=bucket, Key="md5")
    assert _code(missing) == ("404", 404)


def test_large_object_round_trip(client: Any, bucket: str, tmp_path: Path) -> None:
    s3 = client("s3")
    source = tmp_path / "big.bin"
    data = os.urandom(20 * 1024 * 1024)
    source.write_bytes(data)
    single = TransferConfig(multipart_threshold=64 * 1024 * 1024)
    s3.upload_file(str(source), bucket, "big.bin", Config=single)
    head = s3.head_object(Bucket=bucket, Key="big.bin")
    assert head["ContentLength"] == len(data)
    assert head["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    target = tmp_path / "back.bin"
    s3.download_file(bucket, "big.bin", str(target))
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(data).digest()


@pytest.mark.parametrize("sent", ["gzip, aws-chunked", "aws-chunked, gzip"])
def test_aws_chunked_coding_on_a_plain_body_is_dropped(client: Any, bucket: str, sent: str) -> None:
    """Naming aws-chunked on a body signed whole (a hex SHA-256, as boto3 sends a small body
    over HTTP): the body is taken as it is and only the other codings are kept."""
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="enc", Body=b"\x1f\x8bbody", ContentEncoding=sent)
    got = s3.get_object(Bucket=bucket, Key="enc")
    assert got["ContentEncoding"] == "gzip"
    assert got["Body"].read() == b"\x1f\x8bbody"


def test_every_object_reports_sse_s3_and_kms_is_refused(
    client: Any, bucket: str, cli: Any, tmp_path: Path
) -> None:
    """S3 has reported SSE-S3 (AES256) on every object since 2023, and a write may ask for
    it by name (`aws s3 cp --sse AES256`); SSE-KMS needs a key service sagelab lacks."""
    s3 = client("s3")
    assert s3.put_object(Bucket=bucket, Key="plain", Body=b"1")["ServerSideEncryption"] == "AES256"
    asked = s3.put_object(Bucket=bucket, Key="asked", Body=b"2", ServerSideEncryption="AES256")
    assert asked["ServerSideEncryption"] == "AES256"
    for key in ("plain", "asked"):
        assert s3.head_object(Bucket=bucket, Key=key)["ServerSideEncryption"] == "AES256"
        assert s3.get_object(Bucket=bucket, Key=key)["ServerSideEncryption"] == "AES256"
    copied = s3.copy_object(
        Bucket=bucket, Key="copy", CopySource=f"{bucket}/plain", ServerSideEncryption="AES256"
    )
    assert copied["ServerSideEncryption"] == "AES256"
    up = s3.create_multipart_upload(Bucket=bucket, Key="mp", ServerSideEncryption="AES256")
    assert up["ServerSideEncryption"] == "AES256"
    part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=up["UploadId"], PartNumber=1, Body=b"x")
    assert part["ServerSideEncryption"] == "AES256"
    done = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="mp",
        UploadId=up["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert done["ServerSideEncryption"] == "AES256"
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="kms", Body=b"3", ServerSideEncryption="aws:kms")
    error = exc.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (
        "NotImplemented",
        501,
    )
    assert "aws:kms" in error["Error"]["Message"]
    source = tmp_path / "f.txt"
    source.write_text("cli")
    cli("s3", "cp", str(source), f"s3://{bucket}/cli.txt", "--sse", "AES256")
    assert s3.get_object(Bucket=bucket, Key="cli.txt")["Body"].read() == b"cli"
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert "kms" not in keys
