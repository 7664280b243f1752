"""A user copies objects, tags them, deletes them in batches, and asks conditionally."""

from __future__ import annotations

import hashlib
import http.client
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def bucket(client: Any) -> str:
    name = f"copies-{uuid.uuid4().hex[:12]}"
    client("s3").create_bucket(Bucket=name)
    return name


def _code(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = exc.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_copy_keeps_or_replaces_metadata_and_tags(client: Any, bucket: str) -> None:
    s3 = client("s3")
    s3.put_object(
        Bucket=bucket,
        Key="src",
        Body=b"payload",
        ContentType="text/plain",
        Metadata={"a": "1"},
        Tagging="t=1",
    )
    result = s3.copy_object(Bucket=bucket, Key="same", CopySource=f"{bucket}/src")
    assert result["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(b"payload").hexdigest()}"'
    same = s3.get_object(Bucket=bucket, Key="same")
    assert same["Body"].read() == b"payload" and same["ContentType"] == "text/plain"
    assert same["Metadata"] == {"a": "1"}
    assert s3.get_object_tagging(Bucket=bucket, Key="same")["TagSet"] == [
        {"Key": "t", "Value": "1"}
    ]
    s3.copy_object(
        Bucket=bucket,
        Key="new",
        CopySource={"Bucket": bucket, "Key": "src"},
        MetadataDirective="REPLACE",
        ContentType="application/json",
        Metadata={"b": "2"},
        TaggingDirective="REPLACE",
        Tagging="u=2",
    )
    new = s3.head_object(Bucket=bucket, Key="new")
    assert new["ContentType"] == "application/json" and new["Metadata"] == {"b": "2"}
    assert s3.get_object_tagging(Bucket=bucket, Key="new")["TagSet"] == [{"Key": "u", "Value": "2"}]


def test_copy_to_itself_needs_a_change(client: Any, bucket: str) -> None:
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="k", CopySource=f"{bucket}/k")
    assert _code(exc) == ("InvalidRequest", 400)
    s3.copy_object(
        Bucket=bucket,
        Key="k",
        CopySource=f"{bucket}/k",
        MetadataDirective="REPLACE",
        Metadata={"m": "v"},
    )
    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == {"m": "v"}


def test_copy_source_conditions_and_missing_source(client: Any, bucket: str) -> None:
    s3 = client("s3")
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"x")["ETag"]
    s3.copy_object(Bucket=bucket, Key="ok", CopySource=f"{bucket}/k", CopySourceIfMatch=etag)
    for condition in (
        {"CopySourceIfMatch": '"0000"'},
        {"CopySourceIfNoneMatch": etag},
        {"CopySourceIfModifiedSince": datetime.now(UTC) + timedelta(days=1)},
    ):
        with pytest.raises(ClientError) as exc:
            s3.copy_object(Bucket=bucket, Key="no", CopySource=f"{bucket}/k", **condition)
        assert _code(exc) == ("PreconditionFailed", 412)
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="no", CopySource=f"{bucket}/missing")
    assert _code(exc) == ("NoSuchKey", 404)


def test_object_tagging(client: Any, bucket: str) -> None:
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []
    s3.put_object_tagging(
        Bucket=bucket, Key="k", Tagging={"TagSet": [{"Key": "env", "Value": "dev"}]}
    )
    assert s3.head_object(Bucket=bucket, Key="k")["TagCount"] == 1
    s3.delete_object_tagging(Bucket=bucket, Key="k")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(11)]
    with pytest.raises(ClientError) as exc:
        s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": too_many})
    assert _code(exc)[0] == "InvalidTag"
    with pytest.raises(ClientError) as exc:
        s3.get_object_tagging(Bucket=bucket, Key="missing")
    assert _code(exc) == ("NoSuchKey", 404)


def test_delete_objects_batch(client: Any, bucket: str) -> None:
    s3 = client("s3")
    for key in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    result = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "nope"}]}
    )
    assert sorted(d["Key"] for d in result["Deleted"]) == ["a", "b", "nope"]
    assert [c["Key"] for c in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["c"]
    quiet = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "c"}], "Quiet": True})
    assert "Deleted" not in quiet and "Errors" not in quiet
    with pytest.raises(ClientError) as exc:
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": str(i)} for i in range(1001)]})
    assert _code(exc) == ("MalformedXML", 400)


def test_not_modified_has_no_body(client: Any, bucket: str, server: Any) -> None:
    s3 = client("s3")
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"x")["ETag"]
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="k", IfNoneMatch=etag)
    assert _code(exc) == ("304", 304)
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60
    )
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.netloc)
    conn.request("GET", f"{parts.path}?{parts.query}", headers={"If-None-Match": etag})
    response = conn.getresponse()
    assert response.status == 304 and response.read() == b""
    assert response.getheader("ETag") == etag


def test_entity_too_large_refused_before_the_body(server: Any, bucket: str, client: Any) -> None:
    s3 = client("s3")
    url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "huge"}, ExpiresIn=60
    )
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.netloc)
    conn.putrequest("PUT", f"{parts.path}?{parts.query}")
    conn.putheader("Content-Length", str(6 << 30))
    conn.endheaders()
    conn.send(b"a" * 1024)
    response = conn.getresponse()
    assert response.status == 400 and b"EntityTooLarge" in response.read()
