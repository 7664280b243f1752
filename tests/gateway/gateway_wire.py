"""Requests exactly as boto3 puts them on the wire, caught before they leave the client."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config

from sagelab.gateway.context import Principal
from sagelab.gateway.http import BytesReader, HttpRequest
from sagelab.gateway.sigv4 import Credential

ROOT = Credential(
    "AKIAROOTROOTROOT0001",
    "root/secret+key/0123456789abcdefghijklmn",
    Principal("root", "123456789012", "arn:aws:iam::123456789012:root", "123456789012", "root"),
)
TEMP = Credential(
    "ASIATEMPTEMPTEMP0001",
    "temp/secret+key/0123456789abcdefghijklmn",
    Principal(
        "assumed-role",
        "123456789012",
        "arn:aws:sts::123456789012:assumed-role/Role/s",
        "AROAX:s",
        "s",
    ),
    session_token="FwoGZXIvYXdzE+token/with=odd+chars==",
    expires_at=4102444800.0,  # 2100
)
KEYS = {c.access_key_id: c for c in (ROOT, TEMP)}


class Captured(Exception):
    def __init__(self, request: Any) -> None:
        super().__init__("captured")
        self.request = request


def to_http(prepared: Any) -> HttpRequest:
    """An AWSPreparedRequest as the gateway receives it (urllib3 adds the Host header)."""
    url = urlsplit(prepared.url)
    body = prepared.body
    if body is None:
        data = b""
    elif isinstance(body, bytes | bytearray):
        data = bytes(body)
    elif isinstance(body, str):
        data = body.encode()
    else:
        data = body.read()
    headers = [
        (k.lower(), v if isinstance(v, str) else v.decode()) for k, v in prepared.headers.items()
    ]
    if not any(k == "host" for k, _ in headers):
        headers.append(("host", url.netloc))
    return HttpRequest(
        method=prepared.method,
        raw_path=url.path,
        query_string=url.query,
        headers=headers,
        scheme=url.scheme,
        host=url.netloc,
        body_reader=BytesReader(data),
    )


def _raise(request: Any, **_: Any) -> None:
    raise Captured(request)


def make_client(
    service: str,
    cred: Credential = ROOT,
    endpoint: str = "http://127.0.0.1:4566",
    **config: Any,
) -> Any:
    client = boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id=cred.access_key_id,
        aws_secret_access_key=cred.secret_access_key,
        aws_session_token=cred.session_token,
        config=Config(retries={"max_attempts": 1}, **config),
    )
    client.meta.events.register("before-send", _raise)
    return client


def wire(
    service: str,
    operation: str,
    *,
    cred: Credential = ROOT,
    endpoint: str = "http://127.0.0.1:4566",
    config: dict[str, Any] | None = None,
    **params: Any,
) -> HttpRequest:
    """The request `client.<operation>(**params)` sends, as the gateway receives it."""
    client = make_client(service, cred, endpoint, **(config or {}))
    with pytest.raises(Captured) as caught:
        getattr(client, operation)(**params)
    return to_http(caught.value.request)
