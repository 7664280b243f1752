"""A user uploads big objects in parts: by hand with s3api calls, and through boto3's
transfer manager, which sends parts concurrently and out of order."""

from __future__ import annotations

import base64
import hashlib
import os
import uuid
import zlib
from pathlib import Path
from typing import Any

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from sagelab.services.s3 import multipart

MIB = 1 << 20


@pytest.fixture
def bucket(client: Any) -> str:
    name = f"multipart-{uuid.uuid4().hex[:12]}"
    client("s3").create_bucket(Bucket=name)
    return name


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def _crc32(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def _blob_files(server: Any) -> set[Path]:
    return {p for p in Path(server.data_dir, "blobs").rglob("*") if p.is_file()}


def test_parts_complete_into_one_object_with_aws_etag(client: Any, bucket: str) -> None:
    s3 = client("s3")
    parts = [os.urandom(5 * MIB), os.urandom(5 * MIB), b"tail"]
    up = s3.create_multipart_upload(
        Bucket=bucket, Key="big", ContentType="text/csv", Metadata={"k": "v"}, Tagging="a=1"
    )
    etags = {}
    for number in (3, 1, 2):  # out of order, as s3transfer may send them
        sent = s3.upload_part(
            Bucket=bucket,
            Key="big",
            UploadId=up["UploadId"],
            PartNumber=number,
            Body=parts[number - 1],
        )
        etags[number] = sent["ETag"]
        assert sent["ETag"] == f'"{hashlib.md5(parts[number - 1]).hexdigest()}"'
    listed = s3.list_parts(Bucket=bucket, Key="big", UploadId=up["UploadId"])
    assert [p["PartNumber"] for p in listed["Parts"]] == [1, 2, 3]
    assert [p["Size"] for p in listed["Parts"]] == [5 * MIB, 5 * MIB, 4]
    done = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="big",
        UploadId=up["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": etags[n]} for n in (1, 2, 3)]},
    )
    digests = b"".join(hashlib.md5(p).digest() for p in parts)
    assert done["ETag"] == f'"{hashlib.md5(digests).hexdigest()}-3"'
    got = s3.get_object(Bucket=bucket, Key="big")
    assert got["Body"].read() == b"".join(parts)
    assert got["ETag"] == done["ETag"] and got["ContentType"] == "text/csv"
    assert got["Metadata"] == {"k": "v"} and got["TagCount"] == 1
    ranged = s3.get_object(Bucket=bucket, Key="big", Range=f"bytes={5 * MIB - 2}-{5 * MIB + 1}")
    assert ranged["Body"].read() == parts[0][-2:] + parts[1][:2]
    with pytest.raises(ClientError) as exc:
        s3.list_parts(Bucket=bucket, Key="big", UploadId=up["UploadId"])
    assert _code(exc) == "NoSuchUpload"


def test_complete_refuses_bad_part_lists(client: Any, bucket: str) -> None:
    s3 = client("s3")
    up = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    small = s3.upload_part(Bucket=bucket, Key="k", UploadId=up, PartNumber=1, Body=b"x")["ETag"]
    last = s3.upload_part(Bucket=bucket, Key="k", UploadId=up, PartNumber=2, Body=b"y")["ETag"]

    def complete(parts: list[dict[str, Any]]) -> str:
        with pytest.raises(ClientError) as exc:
            s3.complete_multipart_upload(
                Bucket=bucket, Key="k", UploadId=up, MultipartUpload={"Parts": parts}
            )
        return _code(exc)

    assert complete([{"PartNumber": 2, "ETag": last}, {"PartNumber": 1, "ETag": small}]) == (
        "InvalidPartOrder"
    )
    assert complete([{"PartNumber": 1, "ETag": last}]) == "InvalidPart"
    assert complete([{"PartNumber": 7, "ETag": small}]) == "InvalidPart"
    assert complete([{"PartNumber": 1, "ETag": small}, {"PartNumber": 2, "ETag": last}]) == (
        "EntityTooSmall"
    )
    # A single small part is fine: only non-last parts have a minimum.
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="k",
        UploadId=up,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": small}]},
    )
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


def test_abort_leaves_nothing(client: Any, bucket: str, server: Any) -> None:
    s3 = client("s3")
    before = _blob_files(server)
    up = s3.create_multipart_upload(Bucket=bucket, Key="gone")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="gone", UploadId=up, PartNumber=1, Body=b"a" * 1000)
    s3.upload_part(Bucket=bucket, Key="gone", UploadId=up, PartNumber=1, Body=b"b" * 1000)
    uploads = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in uploads] == [("gone", up)]
    s3.abort_multipart_upload(Bucket=bucket, Key="gone", UploadId=up)
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)
    assert _blob_files(server) - before == set()
    with pytest.raises(ClientError) as exc:
        s3.upload_part(Bucket=bucket, Key="gone", UploadId=up, PartNumber=1, Body=b"x")
    assert _code(exc) == "NoSuchUpload"
    with pytest.raises(ClientError) as exc:
        s3.abort_multipart_upload(Bucket=bucket, Key="gone", UploadId=up)
    assert _code(exc) == "NoSuchUpload"


def test_list_uploads_and_parts_paginate(client: Any, bucket: str) -> None:
    s3 = client("s3")
    ids = [s3.create_multipart_upload(Bucket=bucket, Key=f"k{i % 2}")["UploadId"] for i in range(4)]
    for n in (1, 2, 3):
        s3.upload_part(Bucket=bucket, Key="k0", UploadId=ids[0], PartNumber=n, Body=b"p")
    pages = s3.get_paginator("list_multipart_uploads").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 1}
    )
    seen = [(u["Key"], u["UploadId"]) for page in pages for u in page.get("Uploads", [])]
    assert sorted(seen) == sorted((f"k{i % 2}", ids[i]) for i in range(4))
    assert [k for k, _ in seen] == ["k0", "k0", "k1", "k1"]
    parts = s3.get_paginator("list_parts").paginate(
        Bucket=bucket, Key="k0", UploadId=ids[0], PaginationConfig={"PageSize": 2}
    )
    assert [p["PartNumber"] for page in parts for p in page.get("Parts", [])] == [1, 2, 3]


def test_composite_crc32_checksum(client: Any, bucket: str) -> None:
    s3 = client("s3")
    parts = [os.urandom(5 * MIB), b"end"]
    up = s3.create_multipart_upload(Bucket=bucket, Key="c", ChecksumAlgorithm="CRC32")
    assert up["ChecksumAlgorithm"] == "CRC32" and up["ChecksumType"] == "COMPOSITE"
    sent = []
    for n, data in enumerate(parts, 1):
        r = s3.upload_part(
            Bucket=bucket,
            Key="c",
            UploadId=up["UploadId"],
            PartNumber=n,
            Body=data,
            ChecksumAlgorithm="CRC32",
        )
        assert r["ChecksumCRC32"] == _crc32(data)
        sent.append({"PartNumber": n, "ETag": r["ETag"], "ChecksumCRC32": r["ChecksumCRC32"]})
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="c", UploadId=up["UploadId"], MultipartUpload={"Parts": sent}
    )
    raw = b"".join(zlib.crc32(p).to_bytes(4, "big") for p in parts)
    assert done["ChecksumCRC32"] == f"{_crc32(raw)}-2"
    head = s3.head_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == f"{_crc32(raw)}-2" and head["ChecksumType"] == "COMPOSITE"


def test_bad_part_checksum_stores_nothing(client: Any, bucket: str) -> None:
    s3 = client("s3")
    up = s3.create_multipart_upload(Bucket=bucket, Key="bad")["UploadId"]
    with pytest.raises(ClientError) as exc:
        s3.upload_part(
            Bucket=bucket,
            Key="bad",
            UploadId=up,
            PartNumber=1,
            Body=b"data",
            ChecksumCRC32=_crc32(b"other"),
        )
    assert _code(exc) == "BadDigest"
    assert "Parts" not in s3.list_parts(Bucket=bucket, Key="bad", UploadId=up)


def test_upload_part_copy_with_range(client: Any, bucket: str) -> None:
    s3 = client("s3")
    source = os.urandom(6 * MIB)
    s3.put_object(Bucket=bucket, Key="src", Body=source)
    up = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    first = s3.upload_part_copy(
        Bucket=bucket,
        Key="dst",
        UploadId=up,
        PartNumber=1,
        CopySource=f"{bucket}/src",
        CopySourceRange=f"bytes=0-{5 * MIB - 1}",
    )["CopyPartResult"]
    second = s3.upload_part_copy(
        Bucket=bucket,
        Key="dst",
        UploadId=up,
        PartNumber=2,
        CopySource={"Bucket": bucket, "Key": "src"},
        CopySourceRange=f"bytes={5 * MIB}-{6 * MIB - 1}",
    )["CopyPartResult"]
    with pytest.raises(ClientError) as exc:
        s3.upload_part_copy(
            Bucket=bucket,
            Key="dst",
            UploadId=up,
            PartNumber=3,
            CopySource=f"{bucket}/src",
            CopySourceRange=f"bytes=0-{6 * MIB}",
        )
    assert _code(exc) == "InvalidArgument"
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="dst",
        UploadId=up,
        MultipartUpload={
            "Parts": [
                {"PartNumber": 1, "ETag": first["ETag"]},
                {"PartNumber": 2, "ETag": second["ETag"]},
            ]
        },
    )
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == source


def test_transfer_manager_round_trip(client: Any, bucket: str, tmp_path: Path) -> None:
    s3 = client("s3")
    data = os.urandom(40 * MIB + 123)
    src = tmp_path / "up.bin"
    src.write_bytes(data)
    config = TransferConfig(
        multipart_threshold=8 * MIB, multipart_chunksize=8 * MIB, max_concurrency=8
    )
    s3.upload_file(str(src), bucket, "data/blob.bin", Config=config)
    head = s3.head_object(Bucket=bucket, Key="data/blob.bin")
    assert head["ContentLength"] == len(data) and head["ETag"].endswith('-6"')
    dst = tmp_path / "down.bin"
    s3.download_file(bucket, "data/blob.bin", str(dst), Config=config)
    assert hashlib.sha256(dst.read_bytes()).digest() == hashlib.sha256(data).digest()


def test_resource_transfers(server: Any, bucket: str, tmp_path: Path) -> None:
    session = boto3.Session(
        aws_access_key_id=server.access_key_id,
        aws_secret_access_key=server.secret_access_key,
        region_name="us-east-1",
    )
    obj = session.resource("s3", endpoint_url=server.endpoint_url).Object(bucket, "res.bin")
    data = os.urandom(9 * MIB)
    src = tmp_path / "res.bin"
    src.write_bytes(data)
    obj.upload_file(str(src))
    obj.download_file(str(tmp_path / "back.bin"))
    assert (tmp_path / "back.bin").read_bytes() == data
    assert obj.e_tag.endswith('-2"')


def test_key_too_long(client: Any, bucket: str) -> None:
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="k" * 1024, Body=b"ok")
    assert s3.get_object(Bucket=bucket, Key="k" * 1024)["Body"].read() == b"ok"
    with pytest.raises(ClientError) as exc:
        s3.create_multipart_upload(Bucket=bucket, Key="k" * 1025)
    assert _code(exc) == "KeyTooLongError"


def test_upload_ids_never_read_as_cli_options() -> None:
    # One base64url id in 64 would start with "-"; 3,000 ids miss that with odds 1e-21.
    ids = [multipart.new_upload_id() for _ in range(3000)]
    assert not [i for i in ids if i.startswith("-")]
    assert len(set(ids)) == len(ids)


def test_a_retried_completion_is_answered_as_the_first(client: Any, bucket: str) -> None:
    """A client that lost the answer to CompleteMultipartUpload retries it (botocore does
    after a dropped connection): S3 answers the same, and stores nothing twice."""
    s3 = client("s3")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    up = s3.create_multipart_upload(Bucket=bucket, Key="k", Metadata={"m": "1"})
    sent = s3.upload_part(Bucket=bucket, Key="k", UploadId=up["UploadId"], PartNumber=1, Body=b"x")
    listing = {"Parts": [{"PartNumber": 1, "ETag": sent["ETag"]}]}

    def complete(parts: dict[str, Any] = listing) -> dict[str, Any]:
        return dict(
            s3.complete_multipart_upload(
                Bucket=bucket, Key="k", UploadId=up["UploadId"], MultipartUpload=parts
            )
        )

    first, again = complete(), complete()
    for field in ("ETag", "VersionId", "Key", "Bucket"):
        assert again[field] == first[field]
    assert len(s3.list_object_versions(Bucket=bucket)["Versions"]) == 1
    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == {"m": "1"}
    # Other parts than those it completed with, or once the key moved on: no such upload.
    with pytest.raises(ClientError) as exc:
        complete({"Parts": [{"PartNumber": 1, "ETag": '"0123456789abcdef0123456789abcdef"'}]})
    assert _code(exc) == "NoSuchUpload"
    s3.put_object(Bucket=bucket, Key="k", Body=b"newer")
    with pytest.raises(ClientError) as exc:
        complete()
    assert _code(exc) == "NoSuchUpload"
