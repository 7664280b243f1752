"""Writers that must not clobber each other: `If-None-Match: *` (create only) and `If-Match`
(replace only the version read) on PutObject and CompleteMultipartUpload, `If-Match` on
DeleteObject and DeleteObjects (delete only what exists, or only the version read); a multipart
completion that states the whole object's checksum or size has it checked."""

from __future__ import annotations

import base64
import os
import uuid
import zlib
from typing import Any

import pytest
from botocore.exceptions import ClientError

MIB = 1 << 20


@pytest.fixture
def bucket(client: Any) -> str:
    name = f"condput-{uuid.uuid4().hex[:12]}"
    client("s3").create_bucket(Bucket=name)
    return name


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = exc.value.response
    return str(response["Error"]["Code"]), int(response["ResponseMetadata"]["HTTPStatusCode"])


def test_if_none_match_star_creates_only(client: Any, bucket: str) -> None:
    s3 = client("s3")
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"one", IfNoneMatch="*")
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"two", IfNoneMatch="*")
    assert _error(exc) == ("PreconditionFailed", 412)
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"one" and got["ETag"] == first["ETag"]
    # An entity tag: not over that version of the key.
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"two", IfNoneMatch=first["ETag"])
    assert _error(exc) == ("PreconditionFailed", 412)
    s3.put_object(Bucket=bucket, Key="k", Body=b"two", IfNoneMatch='"another"')
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two"


def test_if_none_match_star_passes_over_a_delete_marker(client: Any, bucket: str) -> None:
    s3 = client("s3")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    s3.delete_object(Bucket=bucket, Key="k")
    s3.put_object(Bucket=bucket, Key="k", Body=b"two", IfNoneMatch="*")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two"


def test_if_match_replaces_only_the_version_read(client: Any, bucket: str) -> None:
    s3 = client("s3")
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", IfMatch='"abc"')
    assert _error(exc) == ("NoSuchKey", 404)
    read = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["ETag"]
    s3.put_object(Bucket=bucket, Key="k", Body=b"two", IfMatch=read)
    with pytest.raises(ClientError) as exc:  # a writer holding the old ETag loses
        s3.put_object(Bucket=bucket, Key="k", Body=b"three", IfMatch=read)
    assert _error(exc) == ("PreconditionFailed", 412)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two"


def _upload(s3: Any, bucket: str, key: str, data: bytes, **create: Any) -> tuple[str, list[Any]]:
    up = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key=key, UploadId=up, PartNumber=1, Body=data)
    checksums = {k: v for k, v in part.items() if k.startswith("Checksum")}
    return up, [{"PartNumber": 1, "ETag": part["ETag"]} | checksums]


def test_complete_multipart_honours_conditions(client: Any, bucket: str) -> None:
    s3 = client("s3")
    up, parts = _upload(s3, bucket, "k", b"multi")
    s3.put_object(Bucket=bucket, Key="k", Body=b"racer")  # lands while the upload is open
    complete = {"Bucket": bucket, "Key": "k", "UploadId": up, "MultipartUpload": {"Parts": parts}}
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(**complete, IfNoneMatch="*")
    assert _error(exc) == ("PreconditionFailed", 412)
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(**complete, IfMatch='"0123"')
    assert _error(exc) == ("PreconditionFailed", 412)
    current = s3.head_object(Bucket=bucket, Key="k")["ETag"]
    s3.complete_multipart_upload(**complete, IfMatch=current)  # the upload survived the 412s
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"multi"


def test_a_retried_create_only_completion_is_answered_as_the_first(
    client: Any, bucket: str
) -> None:
    """botocore retries a completion whose answer was lost: its own object must not fail
    the retry's `If-None-Match: *`. Another upload onto the key still does."""
    s3 = client("s3")
    up, parts = _upload(s3, bucket, "k", b"multi")
    complete = {"Bucket": bucket, "Key": "k", "UploadId": up, "MultipartUpload": {"Parts": parts}}
    first = s3.complete_multipart_upload(**complete, IfNoneMatch="*")
    again = s3.complete_multipart_upload(**complete, IfNoneMatch="*")
    assert again["ETag"] == first["ETag"]
    other, other_parts = _upload(s3, bucket, "k", b"other")
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(
            Bucket=bucket,
            Key="k",
            UploadId=other,
            MultipartUpload={"Parts": other_parts},
            IfNoneMatch="*",
        )
    assert _error(exc) == ("PreconditionFailed", 412)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"multi"


def test_concurrent_creators_one_wins(server: Any, bucket: str) -> None:
    """Eight writers race to create one key: exactly one succeeds; the others are refused
    with 412 (condition seen false) or 409 (lost the race while uploading)."""
    from concurrent.futures import ThreadPoolExecutor

    def attempt(n: int) -> str:
        s3 = server.client("s3")
        try:
            s3.put_object(Bucket=bucket, Key="once", Body=os.urandom(MIB), IfNoneMatch="*")
        except ClientError as exc:
            return str(exc.response["Error"]["Code"])
        return "ok"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(attempt, range(8)))
    assert outcomes.count("ok") == 1
    assert set(outcomes) - {"ok"} <= {"PreconditionFailed", "ConditionalRequestConflict"}


def _crc32(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def test_complete_checks_the_whole_object_checksum(client: Any, bucket: str) -> None:
    s3 = client("s3")
    data = b"full object"
    create = {"ChecksumAlgorithm": "CRC32", "ChecksumType": "FULL_OBJECT"}
    up, parts = _upload(s3, bucket, "k", data, **create)
    complete = {"Bucket": bucket, "Key": "k", "UploadId": up, "MultipartUpload": {"Parts": parts}}
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(**complete, ChecksumCRC32=_crc32(b"other"))
    assert _error(exc) == ("BadDigest", 400)
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(
            **complete, ChecksumSHA256=base64.b64encode(bytes(32)).decode()
        )
    assert _error(exc) == ("InvalidRequest", 400)
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(**complete, ChecksumType="COMPOSITE")
    assert _error(exc) == ("InvalidRequest", 400)
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(**complete, MpuObjectSize=len(data) + 1)
    assert _error(exc) == ("InvalidRequest", 400)
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="k")  # nothing committed by the refusals
    done = s3.complete_multipart_upload(
        **complete, ChecksumCRC32=_crc32(data), ChecksumType="FULL_OBJECT", MpuObjectSize=len(data)
    )
    assert done["ChecksumCRC32"] == _crc32(data)


def test_composite_checksum_compared_with_or_without_part_count(client: Any, bucket: str) -> None:
    s3 = client("s3")
    up, parts = _upload(s3, bucket, "k", b"abc", ChecksumAlgorithm="SHA256")
    complete = {"Bucket": bucket, "Key": "k", "UploadId": up, "MultipartUpload": {"Parts": parts}}
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(
            **complete, ChecksumSHA256=base64.b64encode(bytes(32)).decode() + "-1"
        )
    assert _error(exc) == ("BadDigest", 400)
    done = s3.complete_multipart_upload(**complete)
    value = done["ChecksumSHA256"]
    assert value.endswith("-1")
    s3_again = _upload(s3, bucket, "k2", b"abc", ChecksumAlgorithm="SHA256")
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="k2",
        UploadId=s3_again[0],
        MultipartUpload={"Parts": s3_again[1]},
        ChecksumSHA256=value.split("-")[0],
    )


def test_delete_if_match_removes_only_the_version_read(client: Any, bucket: str) -> None:
    s3 = client("s3")
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    second = s3.put_object(Bucket=bucket, Key="k", Body=b"two")
    with pytest.raises(ClientError) as exc:
        s3.delete_object(Bucket=bucket, Key="k", IfMatch=first["ETag"])
    assert _error(exc) == ("PreconditionFailed", 412)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two"
    answer = s3.delete_object(Bucket=bucket, Key="k", IfMatch=second["ETag"])
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    # Gone: an entity tag, or "*" (delete only what exists), now finds nothing.
    for condition in (second["ETag"], "*"):
        with pytest.raises(ClientError) as exc:
            s3.delete_object(Bucket=bucket, Key="k", IfMatch=condition)
        assert _error(exc) == ("NoSuchKey", 404)
    s3.put_object(Bucket=bucket, Key="k", Body=b"three")
    s3.delete_object(Bucket=bucket, Key="k", IfMatch="*")
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_delete_if_match_sees_a_delete_marker_as_no_object(client: Any, bucket: str) -> None:
    s3 = client("s3")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    s3.delete_object(Bucket=bucket, Key="k")
    with pytest.raises(ClientError) as exc:
        s3.delete_object(Bucket=bucket, Key="k", IfMatch="*")
    assert _error(exc) == ("NoSuchKey", 404)
    versions = s3.list_object_versions(Bucket=bucket)
    assert len(versions["DeleteMarkers"]) == 1  # no second marker was added
    assert [v["VersionId"] for v in versions["Versions"]] == [put["VersionId"]]


def test_delete_objects_with_etags_answers_each_key(client: Any, bucket: str) -> None:
    s3 = client("s3")
    kept = s3.put_object(Bucket=bucket, Key="kept", Body=b"a")
    gone = s3.put_object(Bucket=bucket, Key="gone", Body=b"b")
    s3.put_object(Bucket=bucket, Key="changed", Body=b"c")
    answer = s3.delete_objects(
        Bucket=bucket,
        Delete={
            "Objects": [
                {"Key": "gone", "ETag": gone["ETag"]},
                {"Key": "changed", "ETag": kept["ETag"]},
                {"Key": "missing", "ETag": "*"},
                {"Key": "plain"},
            ]
        },
    )
    assert sorted(d["Key"] for d in answer["Deleted"]) == ["gone", "plain"]
    errors = {e["Key"]: e["Code"] for e in answer["Errors"]}
    assert errors == {"changed": "PreconditionFailed", "missing": "NoSuchKey"}
    left = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert left == ["changed", "kept"]


def test_directory_bucket_delete_conditions_are_not_built(client: Any, bucket: str) -> None:
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    with pytest.raises(ClientError) as exc:
        s3.delete_object(Bucket=bucket, Key="k", IfMatchSize=3)
    assert _error(exc) == ("NotImplemented", 501)
    assert "IfMatchSize" in exc.value.response["Error"]["Message"]
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"one"
