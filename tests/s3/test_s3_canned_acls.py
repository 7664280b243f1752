"""A bucket owner shares data with canned ACLs, as S3 allows today: a new bucket has ACLs
disabled (BucketOwnerEnforced) and every public-access block on; after enabling ACLs and
lifting the block, public-read and friends are stored and shown as AWS's grant lists."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def _name() -> str:
    return f"acl-{uuid.uuid4().hex[:12]}"


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = exc.value.response
    return str(response["Error"]["Code"]), int(response["ResponseMetadata"]["HTTPStatusCode"])


def _groups(grants: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(g["Grantee"].get("URI", "owner"), g["Permission"]) for g in grants]


def test_a_new_bucket_refuses_acls_but_accepts_private(client: Any) -> None:
    s3, bucket = client("s3"), _name()
    s3.create_bucket(Bucket=bucket)
    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == dict.fromkeys(
        ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"], True
    )
    for call in (
        lambda: s3.put_bucket_acl(Bucket=bucket, ACL="public-read"),
        lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="public-read"),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert _error(exc) == ("AccessControlListNotSupported", 400)
    s3.put_bucket_acl(Bucket=bucket, ACL="private")
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="bucket-owner-full-control")
    grants = s3.get_object_acl(Bucket=bucket, Key="k")["Grants"]
    assert _groups(grants) == [("owner", "FULL_CONTROL")]
    assert grants[0]["Grantee"]["Type"] == "CanonicalUser"
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]
    assert grants[0]["Grantee"]["ID"] == owner["ID"]
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(Bucket=_name(), ACL="public-read")
    assert _error(exc) == ("InvalidBucketAclWithObjectOwnership", 400)


def test_public_acls_need_the_block_lifted(client: Any) -> None:
    s3, bucket = client("s3"), _name()
    s3.create_bucket(Bucket=bucket, ObjectOwnership="ObjectWriter")
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    assert _error(exc) == ("AccessDenied", 403)
    s3.delete_public_access_block(Bucket=bucket)
    with pytest.raises(ClientError) as exc:
        s3.get_public_access_block(Bucket=bucket)
    assert _error(exc) == ("NoSuchPublicAccessBlockConfiguration", 404)
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read-write")
    grants = s3.get_bucket_acl(Bucket=bucket)["Grants"]
    assert _groups(grants) == [("owner", "FULL_CONTROL"), (ALL_USERS, "READ"), (ALL_USERS, "WRITE")]
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="public-read")
    assert _groups(s3.get_object_acl(Bucket=bucket, Key="k")["Grants"])[1:] == [(ALL_USERS, "READ")]
    s3.put_object_acl(Bucket=bucket, Key="k", ACL="authenticated-read")
    assert _groups(s3.get_object_acl(Bucket=bucket, Key="k")["Grants"])[1:] == [
        (AUTHENTICATED, "READ")
    ]
    # The ACL is the object's own: not returned as a header, not copied, not kept on overwrite.
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"x" and "x-amz-acl" not in got["ResponseMetadata"]["HTTPHeaders"]
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "k"})
    assert _groups(s3.get_object_acl(Bucket=bucket, Key="copy")["Grants"]) == [
        ("owner", "FULL_CONTROL")
    ]
    s3.put_object(Bucket=bucket, Key="k", Body=b"y")
    assert len(s3.get_object_acl(Bucket=bucket, Key="k")["Grants"]) == 1


def test_acl_on_multipart_and_ownership_changes(client: Any) -> None:
    s3, bucket = client("s3"), _name()
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    )
    s3.put_public_access_block(
        Bucket=bucket, PublicAccessBlockConfiguration={"BlockPublicAcls": False}
    )
    up = s3.create_multipart_upload(Bucket=bucket, Key="m", ACL="public-read")
    part = s3.upload_part(Bucket=bucket, Key="m", UploadId=up["UploadId"], PartNumber=1, Body=b"z")
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="m",
        UploadId=up["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert _groups(s3.get_object_acl(Bucket=bucket, Key="m")["Grants"])[1:] == [(ALL_USERS, "READ")]
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_ownership_controls(Bucket=bucket)
    assert _error(exc) == ("OwnershipControlsNotFoundError", 404)
    with pytest.raises(ClientError) as exc:
        s3.put_object_acl(Bucket=bucket, Key="m", GrantRead=f'uri="{ALL_USERS}"')
    assert _error(exc) == ("NotImplemented", 501)
    with pytest.raises(ClientError) as exc:
        s3.get_object_acl(Bucket=bucket, Key="missing")
    assert _error(exc) == ("NoSuchKey", 404)


def test_the_cli_sets_a_canned_acl(cli: Any, client: Any) -> None:
    bucket = _name()
    client("s3").create_bucket(Bucket=bucket, ObjectOwnership="ObjectWriter")
    cli("s3api", "delete-public-access-block", "--bucket", bucket)
    cli("s3api", "put-bucket-acl", "--bucket", bucket, "--acl", "public-read")
    out = cli("s3api", "get-bucket-acl", "--bucket", bucket, "--output", "json").stdout
    assert ALL_USERS in out and '"Type": "Group"' in out


def _anonymous_get(server: Any, bucket: str, key: str, method: str = "GET") -> tuple[int, bytes]:
    request = urllib.request.Request(f"{server.endpoint_url}/{bucket}/{key}", method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def test_anyone_reads_a_public_read_object_once_the_bucket_allows_it(server: Any) -> None:
    s3, bucket = server.client("s3"), _name()
    s3.create_bucket(Bucket=bucket, ObjectOwnership="ObjectWriter")
    s3.put_public_access_block(
        Bucket=bucket, PublicAccessBlockConfiguration={"IgnorePublicAcls": True}
    )
    s3.put_object(Bucket=bucket, Key="open", Body=b"for all", ACL="public-read")
    s3.put_object(Bucket=bucket, Key="closed", Body=b"mine")
    status, body = _anonymous_get(server, bucket, "open")
    assert status == 403 and b"AccessDenied" in body  # IgnorePublicAcls voids the grant
    s3.delete_public_access_block(Bucket=bucket)
    assert _anonymous_get(server, bucket, "open") == (200, b"for all")
    assert _anonymous_get(server, bucket, "open", "HEAD")[0] == 200
    assert _anonymous_get(server, bucket, "closed")[0] == 403
    assert _anonymous_get(server, bucket, "missing")[0] == 403
    status, body = _anonymous_get(server, _name(), "open")
    assert status == 404 and b"NoSuchBucket" in body
    assert _anonymous_get(server, bucket, "")[0] == 403  # listing is not granted
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )
    assert _anonymous_get(server, bucket, "open")[0] == 403  # ACLs disabled again
