"""Sharing objects by presigned URL: boto3's default (SigV2 query auth against a custom
endpoint) and SigV4 URLs, for GET and PUT, fetched by plain HTTP clients; expired or altered
URLs are refused; `aws s3 presign` URLs work too."""

from __future__ import annotations

import time
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import requests
from botocore.config import Config

SIGNERS = {"sigv2": None, "sigv4": "s3v4"}


@pytest.fixture(params=list(SIGNERS))
def signer(request: pytest.FixtureRequest, client: Callable[..., Any]) -> Any:
    version = SIGNERS[request.param]
    config = Config(signature_version=version) if version else None
    return client("s3", config=config) if config else client("s3")


@pytest.fixture
def obj(client: Callable[..., Any]) -> tuple[str, str]:
    s3 = client("s3")
    bucket, key = f"presign-{uuid.uuid4().hex[:12]}", "shared/report 1.txt"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=key, Body=b"quarterly numbers")
    return bucket, key


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query)) | changes
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_default_presigning_is_sigv2_and_sigv4_on_request(client: Callable[..., Any]) -> None:
    params = {"Bucket": "b", "Key": "k"}
    assert "AWSAccessKeyId=" in client("s3").generate_presigned_url("get_object", Params=params)
    v4 = client("s3", config=Config(signature_version="s3v4"))
    assert "X-Amz-Credential=" in v4.generate_presigned_url("get_object", Params=params)


def test_presigned_get_with_plain_http(signer: Any, obj: tuple[str, str]) -> None:
    bucket, key = obj
    url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key})
    with urllib.request.urlopen(url, timeout=10) as answer:
        assert answer.status == 200 and answer.read() == b"quarterly numbers"
    overridden = signer.generate_presigned_url(
        "get_object",
        Params={"Bucket": bucket, "Key": key, "ResponseContentType": "text/plain"},
    )
    assert requests.get(overridden, timeout=10).headers["Content-Type"] == "text/plain"


def test_presigned_put_with_plain_http(signer: Any, obj: tuple[str, str], client: Any) -> None:
    bucket, _ = obj
    url = signer.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "upload.bin"}
    )
    assert requests.put(url, data=b"from a browser", timeout=10).status_code == 200
    got = client("s3").get_object(Bucket=bucket, Key="upload.bin")
    assert got["Body"].read() == b"from a browser"


def test_expired_urls_are_refused(obj: tuple[str, str], client: Callable[..., Any]) -> None:
    bucket, key = obj
    params = {"Bucket": bucket, "Key": key}
    urls = [
        client("s3").generate_presigned_url("get_object", Params=params, ExpiresIn=1),
        client("s3", config=Config(signature_version="s3v4")).generate_presigned_url(
            "get_object", Params=params, ExpiresIn=1
        ),
    ]
    time.sleep(2.1)
    for url in urls:
        answer = requests.get(url, timeout=10)
        assert answer.status_code == 403, url
        assert "<Code>AccessDenied</Code>" in answer.text and "expired" in answer.text


@pytest.mark.parametrize("change", ["key", "expiry", "signature"])
def test_altered_urls_are_refused(signer: Any, obj: tuple[str, str], change: str) -> None:
    bucket, key = obj
    url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key})
    v4 = "X-Amz-Signature=" in url
    if change == "key":
        url = url.replace("report%201.txt", "report%202.txt")
    elif change == "expiry":
        query = dict(parse_qsl(urlsplit(url).query))
        url = (
            _with_query(url, **{"X-Amz-Expires": "604800"})
            if v4
            else _with_query(url, Expires=str(int(query["Expires"]) + 3600))
        )
    else:
        name = "X-Amz-Signature" if v4 else "Signature"
        url = _with_query(url, **{name: ("0" * 64) if v4 else "AAAAAAAAAAAAAAAAAAAAAAAAAAA="})
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in answer.text


def test_aws_cli_presign(obj: tuple[str, str], cli: Callable[..., Any]) -> None:
    bucket, key = obj
    url = cli("s3", "presign", f"s3://{bucket}/{key}", "--expires-in", "300").stdout.strip()
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200 and answer.content == b"quarterly numbers"
