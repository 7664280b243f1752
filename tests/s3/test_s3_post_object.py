"""Browser form uploads (POST object), as boto3's `generate_presigned_post` prepares them and
`requests` sends them: SigV4 and SigV2 policies, the policy's conditions and size range, the
success answers, and refusals that store nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import uuid
from typing import Any
from xml.etree import ElementTree

import pytest
import requests
from botocore.config import Config

from sagelab.testing import SagelabServer

MIB = 1 << 20


@pytest.fixture
def s3(server: SagelabServer) -> Any:
    return server.client("s3", config=Config(signature_version="s3v4"))


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"form-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def _post(presigned: dict[str, Any], body: bytes, name: str = "f.txt", **extra: str) -> Any:
    fields = {**presigned["fields"], **extra}
    return requests.post(presigned["url"], data=fields, files={"file": (name, body)}, timeout=60)


def _error(response: Any) -> tuple[int, str, str]:
    root = ElementTree.fromstring(response.content)
    return response.status_code, root.findtext("Code") or "", root.findtext("Message") or ""


def _keys(s3: Any, bucket: str) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


@pytest.mark.parametrize("signature_version", ["s3v4", "s3"])
def test_presigned_post_stores_the_file_with_its_fields(
    server: SagelabServer, s3: Any, bucket: str, signature_version: str
) -> None:
    signer = server.client("s3", config=Config(signature_version=signature_version))
    presigned = signer.generate_presigned_post(
        bucket,
        "uploads/${filename}",
        Fields={"Content-Type": "text/csv", "x-amz-meta-course": "ml101"},
        Conditions=[
            ["starts-with", "$key", "uploads/"],
            {"Content-Type": "text/csv"},
            {"x-amz-meta-course": "ml101"},
        ],
        ExpiresIn=600,
    )
    signed_by = "x-amz-signature" if signature_version == "s3v4" else "signature"
    assert signed_by in presigned["fields"]
    csv = b"a,b\n1,2\n"
    answer = _post(presigned, csv, name="train.csv")
    assert answer.status_code == 204, answer.text
    assert answer.content == b""
    got = s3.get_object(Bucket=bucket, Key="uploads/train.csv")
    assert got["Body"].read() == csv
    assert got["ContentType"] == "text/csv"
    assert got["Metadata"] == {"course": "ml101"}
    assert answer.headers["ETag"] == got["ETag"] == f'"{hashlib.md5(csv).hexdigest()}"'
    assert answer.headers["Location"].endswith(f"/{bucket}/uploads/train.csv")


def test_success_action_status_and_redirect(s3: Any, bucket: str) -> None:
    presigned = s3.generate_presigned_post(
        bucket, "k", Conditions=[["starts-with", "$success_action_status", ""]]
    )
    created = _post(presigned, b"one", success_action_status="201")
    assert created.status_code == 201
    doc = ElementTree.fromstring(created.content)
    assert doc.tag == "PostResponse"
    assert (doc.findtext("Bucket"), doc.findtext("Key")) == (bucket, "k")
    assert doc.findtext("ETag") == f'"{hashlib.md5(b"one").hexdigest()}"'
    ok = _post(presigned, b"two", success_action_status="200")
    assert (ok.status_code, ok.content) == (200, b"")
    other = _post(presigned, b"three", success_action_status="404")
    assert other.status_code == 204

    redirect = "http://127.0.0.1:1/done?from=form"
    presigned = s3.generate_presigned_post(
        bucket,
        "k",
        Fields={"success_action_redirect": redirect},
        Conditions=[{"success_action_redirect": redirect}],
    )
    moved = requests.post(
        presigned["url"],
        data=presigned["fields"],
        files={"file": ("f", b"four")},
        allow_redirects=False,
        timeout=60,
    )
    assert moved.status_code == 303
    etag = hashlib.md5(b"four").hexdigest()
    assert moved.headers["Location"] == f"{redirect}&bucket={bucket}&key=k&etag=%22{etag}%22"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"four"


def test_size_range_is_enforced_while_the_file_streams(s3: Any, bucket: str) -> None:
    presigned = s3.generate_presigned_post(
        bucket, "sized", Conditions=[["content-length-range", 4, 3 * MIB]]
    )
    too_big = _post(presigned, os.urandom(3 * MIB + 1))
    assert _error(too_big)[:2] == (400, "EntityTooLarge")
    too_small = _post(presigned, b"abc")
    assert _error(too_small)[:2] == (400, "EntityTooSmall")
    assert _keys(s3, bucket) == []
    body = os.urandom(3 * MIB)  # many parser batches
    assert _post(presigned, body).status_code == 204
    assert s3.get_object(Bucket=bucket, Key="sized")["Body"].read() == body


def test_policy_refusals_store_nothing(s3: Any, bucket: str) -> None:
    presigned = s3.generate_presigned_post(bucket, "docs/a.txt")
    assert _error(_post(presigned, b"x", extra_field="1")) == (
        403,
        "AccessDenied",
        "Invalid according to Policy: Extra input fields: extra_field",
    )
    assert _error(_post(presigned, b"x", key="docs/b.txt"))[:2] == (403, "AccessDenied")
    assert _post(presigned, b"x", **{"x-ignore-note": "free"}).status_code == 204
    s3.delete_object(Bucket=bucket, Key="docs/a.txt")

    expired = s3.generate_presigned_post(bucket, "docs/a.txt", ExpiresIn=-60)
    assert _error(_post(expired, b"x")) == (
        403,
        "AccessDenied",
        "Invalid according to Policy: Policy expired.",
    )
    tampered = dict(presigned["fields"])
    document = json.loads(base64.b64decode(tampered["policy"]))
    document["conditions"].append(["content-length-range", 0, 10])
    tampered["policy"] = base64.b64encode(json.dumps(document).encode()).decode()
    answer = _post({"url": presigned["url"], "fields": tampered}, b"x")
    assert _error(answer)[:2] == (403, "SignatureDoesNotMatch")
    unknown = dict(presigned["fields"])
    unknown["x-amz-credential"] = "AKIAUNKNOWN" + unknown["x-amz-credential"][20:]
    answer = _post({"url": presigned["url"], "fields": unknown}, b"x")
    assert _error(answer)[:2] == (403, "InvalidAccessKeyId")
    assert _keys(s3, bucket) == []


def _v2_signed(server: SagelabServer, document: bytes) -> dict[str, str]:
    """A form with `document` as its policy, signed by the root with SigV2."""
    policy = base64.b64encode(document).decode()
    digest = hmac.new(server.secret_access_key.encode(), policy.encode(), hashlib.sha1).digest()
    signature = base64.b64encode(digest).decode()
    return {
        "key": "k",
        "AWSAccessKeyId": server.access_key_id,
        "policy": policy,
        "signature": signature,
    }


def test_malformed_forms_are_client_errors(server: SagelabServer, s3: Any, bucket: str) -> None:
    presigned = s3.generate_presigned_post(bucket, "k")
    fields = dict(presigned["fields"])
    url = presigned["url"]
    no_key = {k: v for k, v in fields.items() if k != "key"}
    answer = requests.post(url, data=no_key, files={"file": ("f", b"x")}, timeout=60)
    assert _error(answer)[:2] == (400, "InvalidArgument")
    no_file = requests.post(url, data=fields, files={"other": ("f", b"x")}, timeout=60)
    assert _error(no_file)[:3] == (
        400,
        "InvalidArgument",
        "POST requires exactly one file upload per request.",
    )
    answer = requests.post(
        url, data=_v2_signed(server, b'{"conditions": []}'), files={"file": ("f", b"x")}, timeout=60
    )
    assert _error(answer) == (
        400,
        "InvalidPolicyDocument",
        "Invalid Policy: Policy missing expiration.",
    )
    crowded = {**fields, "x-ignore-pad": "p" * (21 * 1024)}
    answer = requests.post(url, data=crowded, files={"file": ("f", b"x")}, timeout=60)
    assert _error(answer)[:2] == (400, "MaxPostPreDataLengthExceeded")
    garbled = requests.post(
        url,
        data=b'--zz\r\nContent-Disposition: form-data; name="key"\r\n\r\nk\r\n--zz\r\ngarbage',
        headers={"Content-Type": "multipart/form-data; boundary=zz"},
        timeout=60,
    )
    assert garbled.status_code == 400
    unsigned = requests.post(url, data={"key": "k"}, files={"file": ("f", b"x")}, timeout=60)
    assert _error(unsigned)[:2] == (403, "AccessDenied")
    unsupported = s3.generate_presigned_post(
        bucket,
        "k",
        Fields={"x-amz-object-lock-mode": "GOVERNANCE"},
        Conditions=[{"x-amz-object-lock-mode": "GOVERNANCE"}],
    )
    answer = _post(unsupported, b"x")
    assert answer.status_code == 501 and "x-amz-object-lock-mode" in _error(answer)[2]
    assert _keys(s3, bucket) == []


def test_checksum_and_tagging_fields(s3: Any, bucket: str) -> None:
    body = b"checked bytes"
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    tagging = (
        "<Tagging><TagSet><Tag><Key>course</Key><Value>ml 101</Value></Tag></TagSet></Tagging>"
    )
    presigned = s3.generate_presigned_post(
        bucket,
        "c",
        Conditions=[
            ["starts-with", "$x-amz-checksum-sha256", ""],
            ["starts-with", "$tagging", ""],
        ],
    )
    wrong = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    refused = _post(presigned, body, **{"x-amz-checksum-sha256": wrong, "tagging": tagging})
    assert refused.status_code == 400
    assert _keys(s3, bucket) == []
    answer = _post(presigned, body, **{"x-amz-checksum-sha256": digest, "tagging": tagging})
    assert answer.status_code == 204, answer.text
    got = s3.get_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert got["ChecksumSHA256"] == digest
    tags = s3.get_object_tagging(Bucket=bucket, Key="c")["TagSet"]
    assert tags == [{"Key": "course", "Value": "ml 101"}]


def test_cors_headers_answer_a_browser_post(s3: Any, bucket: str) -> None:
    origin = "http://127.0.0.1:8888"
    s3.put_bucket_cors(
        Bucket=bucket,
        CORSConfiguration={"CORSRules": [{"AllowedOrigins": [origin], "AllowedMethods": ["POST"]}]},
    )
    presigned = s3.generate_presigned_post(bucket, "k")
    answer = requests.post(
        presigned["url"],
        data=presigned["fields"],
        files={"file": ("f", b"x")},
        headers={"Origin": origin},
        timeout=60,
    )
    assert answer.status_code == 204
    assert answer.headers["Access-Control-Allow-Origin"] == origin


def test_temporary_credentials_sign_with_their_token(server: SagelabServer, bucket: str) -> None:
    """A form signed with temporary keys carries `x-amz-security-token`; without it, or with
    another, the keys are not accepted."""
    creds = server.client("sts").get_session_token()["Credentials"]
    temporary = server.client(
        "s3",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        config=Config(signature_version="s3v4"),
    )
    presigned = temporary.generate_presigned_post(bucket, "temp.txt")
    assert presigned["fields"]["x-amz-security-token"] == creds["SessionToken"]
    assert _post(presigned, b"temporary").status_code == 204
    fields = dict(presigned["fields"])
    fields["x-amz-security-token"] = "not-the-token"
    answer = _post({"url": presigned["url"], "fields": fields}, b"x")
    assert _error(answer)[:2] == (400, "InvalidToken")
    s3 = server.client("s3")
    assert s3.get_object(Bucket=bucket, Key="temp.txt")["Body"].read() == b"temporary"
