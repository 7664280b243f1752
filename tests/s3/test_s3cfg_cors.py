"""A web app's bucket: its owner sets CORS rules, browsers' preflights are answered by them
without credentials, and real requests from an allowed origin carry Access-Control-* headers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError

APP = "https://app.example.com"
RULES = [
    {
        "ID": "app",
        "AllowedOrigins": [APP, "https://*.example.org"],
        "AllowedMethods": ["GET", "PUT"],
        "AllowedHeaders": ["Content-Type", "x-amz-*"],
        "ExposeHeaders": ["ETag", "x-amz-request-id"],
        "MaxAgeSeconds": 600,
    },
    {"AllowedOrigins": ["*"], "AllowedMethods": ["HEAD"]},
]


@pytest.fixture
def s3(client: Callable[..., Any]) -> Any:
    return client("s3")


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"cors-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def _preflight(server: Any, path: str, **headers: str) -> requests.Response:
    return requests.options(f"{server.endpoint_url}/{path}", headers=headers, timeout=10)


def test_rules_round_trip_and_vanish(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_cors(Bucket=bucket)
    assert exc.value.response["Error"]["Code"] == "NoSuchCORSConfiguration"
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == RULES
    s3.delete_bucket_cors(Bucket=bucket)
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_cors(Bucket=bucket)
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}, "Unsupported method is PATCH"),
        (
            {"AllowedOrigins": ["https://*.*.com"], "AllowedMethods": ["GET"]},
            "more than one wildcard",
        ),
    ],
)
def test_bad_rules_are_refused(s3: Any, bucket: str, rule: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [rule]})
    error = exc.value.response["Error"]
    assert error["Code"] == "InvalidRequest" and message in error["Message"]


def test_preflight_allowed_by_a_rule(s3: Any, bucket: str, server: Any) -> None:
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    answer = _preflight(
        server,
        f"{bucket}/photos/cat.jpg",
        Origin=APP,
        **{
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type, X-Amz-Meta-Owner",
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["Access-Control-Allow-Origin"] == APP
    assert answer.headers["Access-Control-Allow-Methods"] == "GET, PUT"
    assert answer.headers["Access-Control-Allow-Headers"] == "content-type, x-amz-meta-owner"
    assert answer.headers["Access-Control-Expose-Headers"] == "ETag, x-amz-request-id"
    assert answer.headers["Access-Control-Max-Age"] == "600"
    assert answer.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Origin" in answer.headers["Vary"]
    wildcard = _preflight(
        server,
        f"{bucket}/k",
        Origin="https://shop.example.org",
        **{"Access-Control-Request-Method": "GET"},
    )
    assert wildcard.headers["Access-Control-Allow-Origin"] == "https://shop.example.org"
    anyone = _preflight(
        server,
        f"{bucket}/k",
        Origin="http://elsewhere.test",
        **{"Access-Control-Request-Method": "HEAD"},
    )
    assert anyone.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in anyone.headers


@pytest.mark.parametrize(
    ("origin", "method", "headers"),
    [
        ("https://evil.example.net", "GET", ""),  # origin not listed
        (APP, "DELETE", ""),  # method not allowed
        (APP, "PUT", "authorization"),  # header not allowed
    ],
)
def test_preflight_refused(
    s3: Any, bucket: str, server: Any, origin: str, method: str, headers: str
) -> None:
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    asked = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        asked["Access-Control-Request-Headers"] = headers
    answer = _preflight(server, f"{bucket}/k", **asked)
    assert answer.status_code == 403
    assert "<Code>AccessForbidden</Code>" in answer.text
    assert "CORSResponse: This CORS request is not allowed" in answer.text
    assert "Access-Control-Allow-Origin" not in answer.headers


def test_preflight_without_cors_or_origin(bucket: str, server: Any) -> None:
    no_rules = _preflight(
        server, f"{bucket}/k", Origin=APP, **{"Access-Control-Request-Method": "GET"}
    )
    assert no_rules.status_code == 403 and "CORS is not enabled for this bucket" in no_rules.text
    no_origin = _preflight(server, f"{bucket}/k", **{"Access-Control-Request-Method": "GET"})
    assert no_origin.status_code == 400 and "Origin request header needed" in no_origin.text


def _with_origin(s3: Any, origin: str) -> Any:
    def add(request: Any, **_: Any) -> None:
        request.headers["Origin"] = origin

    s3.meta.events.register("before-sign.s3", add)
    return s3


def test_real_requests_from_an_allowed_origin_get_cors_headers(
    client: Callable[..., Any], s3: Any, bucket: str
) -> None:
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    allowed = _with_origin(client("s3"), APP).list_objects_v2(Bucket=bucket)
    headers = allowed["ResponseMetadata"]["HTTPHeaders"]
    assert headers["access-control-allow-origin"] == APP
    assert headers["access-control-expose-headers"] == "ETag, x-amz-request-id"
    assert "Origin" in headers["vary"]
    other = _with_origin(client("s3"), "https://evil.example.net").list_objects_v2(Bucket=bucket)
    assert "access-control-allow-origin" not in other["ResponseMetadata"]["HTTPHeaders"]
    plain = s3.list_objects_v2(Bucket=bucket)
    assert "access-control-allow-origin" not in plain["ResponseMetadata"]["HTTPHeaders"]
