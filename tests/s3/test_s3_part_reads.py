"""A downloader fetches a multipart object part by part (`partNumber`), as parallel
downloaders and `aws s3api get-object --part-number` do; and a client asks an object's
attributes (size, parts, checksums) without reading it."""

from __future__ import annotations

import base64
import hashlib
import os
import uuid
import zlib
from typing import Any

import pytest
from botocore.exceptions import ClientError

MIB = 1 << 20


@pytest.fixture
def bucket(client: Any) -> str:
    name = f"parts-{uuid.uuid4().hex[:12]}"
    client("s3").create_bucket(Bucket=name)
    return name


def _multipart(s3: Any, bucket: str, key: str, parts: dict[int, bytes], **create: Any) -> Any:
    up = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)
    listed = []
    for number, data in parts.items():
        sent = s3.upload_part(
            Bucket=bucket, Key=key, UploadId=up["UploadId"], PartNumber=number, Body=data
        )
        entry = {"PartNumber": number, "ETag": sent["ETag"]}
        listed.append(entry | {k: v for k, v in sent.items() if k.startswith("Checksum")})
    return s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=up["UploadId"], MultipartUpload={"Parts": listed}
    )


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = exc.value.response
    return str(response["Error"]["Code"]), int(response["ResponseMetadata"]["HTTPStatusCode"])


def test_each_part_of_a_multipart_object_reads_alone(client: Any, bucket: str) -> None:
    s3 = client("s3")
    first, second = os.urandom(5 * MIB), b"the tail"
    done = _multipart(s3, bucket, "big", {1: first, 3: second})  # numbers need not be 1..N
    got = s3.get_object(Bucket=bucket, Key="big", PartNumber=3)
    assert got["Body"].read() == second
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["PartsCount"] == 2 and got["ETag"] == done["ETag"]
    total = 5 * MIB + len(second)
    assert got["ContentRange"] == f"bytes {5 * MIB}-{total - 1}/{total}"
    head = s3.head_object(Bucket=bucket, Key="big", PartNumber=1)
    assert head["ContentLength"] == 5 * MIB and head["PartsCount"] == 2
    assert s3.get_object(Bucket=bucket, Key="big", PartNumber=1)["Body"].read() == first
    for missing in (2, 4):
        with pytest.raises(ClientError) as exc:
            s3.get_object(Bucket=bucket, Key="big", PartNumber=missing)
        assert _error(exc) == ("InvalidPartNumber", 416)


def test_a_single_put_object_is_its_own_part_one(client: Any, bucket: str) -> None:
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="small", Body=b"body")
    got = s3.get_object(Bucket=bucket, Key="small", PartNumber=1)
    assert got["Body"].read() == b"body" and "PartsCount" not in got
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="small", PartNumber=2)
    assert _error(exc) == ("InvalidPartNumber", 416)
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="small", PartNumber=1, Range="bytes=0-1")
    assert _error(exc) == ("InvalidRequest", 400)
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=bucket, Key="small", PartNumber=2)
    assert _error(exc) == ("416", 416)  # HEAD errors have no body to name the code


def test_the_cli_downloads_one_part(cli: Any, client: Any, bucket: str, tmp_path: Any) -> None:
    _multipart(client("s3"), bucket, "k", {1: os.urandom(5 * MIB), 2: b"end"})
    out = tmp_path / "part2"
    cli("s3api", "get-object", "--bucket", bucket, "--key", "k", "--part-number", "2", str(out))
    assert out.read_bytes() == b"end"


def test_attributes_of_a_plain_object(client: Any, bucket: str) -> None:
    s3 = client("s3")
    put = s3.put_object(
        Bucket=bucket,
        Key="k",
        Body=b"hello",
        ChecksumAlgorithm="SHA256",
        StorageClass="STANDARD_IA",
    )
    attrs = s3.get_object_attributes(
        Bucket=bucket,
        Key="k",
        ObjectAttributes=["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"],
    )
    assert attrs["ETag"] == put["ETag"].strip('"')
    assert attrs["Checksum"] == {
        "ChecksumSHA256": put["ChecksumSHA256"],
        "ChecksumType": "FULL_OBJECT",
    }
    assert attrs["StorageClass"] == "STANDARD_IA" and attrs["ObjectSize"] == 5
    assert "ObjectParts" not in attrs and "LastModified" in attrs
    only = s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["ObjectSize"])
    assert "ETag" not in only and only["ObjectSize"] == 5
    with pytest.raises(ClientError) as exc:
        s3.get_object_attributes(Bucket=bucket, Key="nope", ObjectAttributes=["ETag"])
    assert _error(exc) == ("NoSuchKey", 404)


def test_attributes_page_through_the_parts(client: Any, bucket: str) -> None:
    s3 = client("s3")
    parts = {1: os.urandom(5 * MIB), 2: os.urandom(5 * MIB), 3: b"x"}
    _multipart(s3, bucket, "k", parts, ChecksumAlgorithm="CRC32")
    pages = []
    marker = 0
    while True:
        got = s3.get_object_attributes(
            Bucket=bucket,
            Key="k",
            ObjectAttributes=["ObjectParts"],
            MaxParts=2,
            PartNumberMarker=marker,
        )["ObjectParts"]
        pages.append([(p["PartNumber"], p["Size"]) for p in got["Parts"]])
        assert got["TotalPartsCount"] == 3 and all("ChecksumCRC32" in p for p in got["Parts"])
        if not got["IsTruncated"]:
            break
        marker = got["NextPartNumberMarker"]
    assert pages == [[(1, 5 * MIB), (2, 5 * MIB)], [(3, 1)]]
    # A whole-object checksum is not made of the parts': S3 then only counts them.
    create = {"ChecksumAlgorithm": "CRC32", "ChecksumType": "FULL_OBJECT"}
    _multipart(s3, bucket, "full", {1: os.urandom(5 * MIB), 2: b"y"}, **create)
    got = s3.get_object_attributes(Bucket=bucket, Key="full", ObjectAttributes=["ObjectParts"])
    assert got["ObjectParts"]["TotalPartsCount"] == 2 and "Parts" not in got["ObjectParts"]


def _checksum(algorithm: str, data: bytes) -> str:
    if algorithm == "SHA256":
        return base64.b64encode(hashlib.sha256(data).digest()).decode()
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


@pytest.mark.parametrize("checksum_type", ["COMPOSITE", "FULL_OBJECT"])
def test_a_part_read_with_checksum_mode_carries_the_parts_checksum(
    client: Any, bucket: str, checksum_type: str
) -> None:
    """The part's own checksum, which botocore checks against the part's bytes; never the
    whole object's."""
    s3 = client("s3")
    parts = {1: os.urandom(5 * MIB), 2: b"second part"}
    algorithm = "SHA256" if checksum_type == "COMPOSITE" else "CRC32"
    create = {"ChecksumAlgorithm": algorithm, "ChecksumType": checksum_type}
    _multipart(s3, bucket, "k", parts, **create)
    for number, data in parts.items():
        got = s3.get_object(Bucket=bucket, Key="k", PartNumber=number, ChecksumMode="ENABLED")
        assert got["Body"].read() == data
        assert got["ChecksumType"] == checksum_type
        assert got[f"Checksum{algorithm}"] == _checksum(algorithm, data)
        head = s3.head_object(Bucket=bucket, Key="k", PartNumber=number, ChecksumMode="ENABLED")
        assert head[f"Checksum{algorithm}"] == got[f"Checksum{algorithm}"]
    # botocore asks GetObject for checksums by itself; HeadObject only when told.
    assert f"Checksum{algorithm}" not in s3.head_object(Bucket=bucket, Key="k", PartNumber=2)
