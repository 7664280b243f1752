"""Errors as botocore reads them, event streams, and hostile requests (only 4xx ServiceErrors)."""

from __future__ import annotations

from typing import Any

import botocore.parsers
import pytest
from botocore.eventstream import EventStream
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from urllib3 import HTTPHeaderDict

from sagelab.gateway.codec.rest_json import RestJsonCodec
from sagelab.gateway.codec.rest_xml import RestXmlCodec
from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import ServiceError, ValidationError
from sagelab.gateway.http import BytesReader, HttpRequest, HttpResponse
from sagelab.gateway.models import service_model

S3 = RestXmlCodec(service_model("s3"))
RUNTIME = RestJsonCodec(service_model("sagemaker-runtime"))
CTX = RequestContext(request_id="req-9")


def _parse(protocol: str, response: HttpResponse, op_name: str, model: Any) -> Any:
    op = model.operation_model(op_name)
    body = b"".join(response.iter_body())
    wire: Any = _Raw(body) if op.has_event_stream_output else body
    response_dict = {
        "status_code": response.status,
        "headers": HTTPHeaderDict(response.headers),
        "body": wire,
        "context": {"operation_name": op_name},
    }
    return botocore.parsers.create_parser(protocol).parse(response_dict, op.output_shape)


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, amt: int = 1024) -> Any:
        yield self._data

    def close(self) -> None:
        pass


def test_s3_error_carries_code_message_and_fields() -> None:
    op = S3.model.operation_model("GetObject")
    err = ServiceError("NoSuchKey", "The specified key does not exist.", 404, Key="a/b")
    response = S3.serialize_error(err, CTX, op)
    parsed = _parse("rest-xml", response, "GetObject", S3.model)
    assert response.status == 404
    assert response.header("Content-Type") == "application/xml"
    assert parsed["Error"] == {
        "Code": "NoSuchKey",
        "Message": "The specified key does not exist.",
        "Key": "a/b",
    }
    assert parsed["ResponseMetadata"]["RequestId"] == "req-9"


@pytest.mark.parametrize(("status", "message"), [(404, "Not Found"), (403, "Forbidden")])
def test_s3_head_errors_have_no_body(status: int, message: str) -> None:
    op = S3.model.operation_model("HeadObject")
    response = S3.serialize_error(ServiceError("NoSuchKey", "gone", status), CTX, op)
    assert b"".join(response.iter_body()) == b""
    parsed = _parse("rest-xml", response, "HeadObject", S3.model)
    assert parsed["Error"] == {"Code": str(status), "Message": message}


def test_s3_generic_validation_error_is_invalid_argument() -> None:
    response = S3.serialize_error(ValidationError(message="bad"), CTX, None)
    parsed = _parse("rest-xml", response, "GetObject", S3.model)
    assert parsed["Error"]["Code"] == "InvalidArgument"


def test_runtime_model_error_members() -> None:
    err = ServiceError(
        "ModelError",
        "Received client error (400) from primary",
        424,
        OriginalStatusCode=400,
        OriginalMessage="boom",
        LogStreamArn="arn:aws:logs:us-east-1:1:log-group:g",
    )
    response = RUNTIME.serialize_error(err, CTX, None)
    assert response.header("X-Amzn-ErrorType") == "ModelError"
    parsed = _parse("rest-json", response, "InvokeEndpoint", RUNTIME.model)
    assert parsed["Error"]["Code"] == "ModelError"
    assert parsed["Error"]["Message"] == "Received client error (400) from primary"
    assert parsed["ResponseMetadata"]["RequestId"] == "req-9"


def test_runtime_generic_validation_is_the_models_validation_error() -> None:
    response = RUNTIME.serialize_error(ValidationError(message="bad"), CTX, None)
    assert response.header("X-Amzn-ErrorType") == "ValidationError"


def test_runtime_payload_over_the_model_max_is_refused() -> None:
    op = RUNTIME.model.operation_model("InvokeEndpoint")
    body = b"x" * (6 * 1024 * 1024 + 1)
    req = HttpRequest("POST", "/endpoints/e/invocations", "", [], body_reader=BytesReader(body))
    with pytest.raises(ServiceError) as caught:
        RUNTIME.parse(op, req, {"EndpointName": "e"})
    assert (caught.value.code, caught.value.status) == ("ValidationError", 400)


def test_s3_streaming_body_is_left_unread() -> None:
    op = S3.model.operation_model("PutObject")
    reader = BytesReader(b"data")
    req = HttpRequest("PUT", "/b/k", "", [], body_reader=reader)
    assert S3.parse(op, req, {"Bucket": "b", "Key": "k"})["Body"] is reader


def test_streamed_result_body_passes_through_unread() -> None:
    op = S3.model.operation_model("GetObject")
    chunks = iter([b"ab", b"cd"])
    response = S3.serialize(op, {"Body": chunks, "ContentLength": 4}, CTX)
    assert response.header("Content-Length") == "4"
    assert b"".join(response.iter_body()) == b"abcd"


def test_runtime_response_stream_events() -> None:
    op = RUNTIME.model.operation_model("InvokeEndpointWithResponseStream")
    events = [{"PayloadPart": {"Bytes": b"hel"}}, {"PayloadPart": {"Bytes": b"lo"}}]
    response = RUNTIME.serialize(op, {"Body": events, "ContentType": "text/plain"}, CTX)
    parsed = _parse("rest-json", response, op.name, RUNTIME.model)
    assert isinstance(parsed["Body"], EventStream)
    assert list(parsed["Body"]) == events


def test_s3_select_events() -> None:
    op = S3.model.operation_model("SelectObjectContent")
    events = [
        {"Records": {"Payload": b"a,b\n"}},
        {"Stats": {"Details": {"BytesScanned": 4, "BytesProcessed": 4, "BytesReturned": 4}}},
        {"End": {}},
    ]
    response = S3.serialize(op, {"Payload": events}, CTX)
    parsed = _parse("rest-xml", response, op.name, S3.model)
    assert list(parsed["Payload"]) == events


@pytest.mark.parametrize(
    "body",
    [
        b"<Delete><Object><Key>a</Key></Object>",
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><Delete>&x;</Delete>',
        b"<!ENTITY x SYSTEM 'file:///etc/passwd'>",
        b"\xff\xfe<Delete/>",
        b"<Delete><Object><Key>a</Key><Size>nope</Size></Object></Delete>",
    ],
)
def test_s3_bad_xml_is_malformed(body: bytes) -> None:
    op = S3.model.operation_model("DeleteObjects")
    req = HttpRequest("POST", "/b", "delete", [], body_reader=BytesReader(body))
    with pytest.raises(ServiceError) as caught:
        S3.parse(op, req, {"Bucket": "b"})
    assert (caught.value.code, caught.value.status) == ("MalformedXML", 400)


def test_s3_xml_namespace_is_optional() -> None:
    op = S3.model.operation_model("DeleteObjects")
    for ns in ("", ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"', ' xmlns="urn:other"'):
        body = f"<Delete{ns}><Object><Key>a</Key></Object><Quiet>true</Quiet></Delete>"
        req = HttpRequest("POST", "/b", "delete", [], body_reader=BytesReader(body.encode()))
        parsed = S3.parse(op, req, {"Bucket": "b"})
        assert parsed["Delete"] == {"Objects": [{"Key": "a"}], "Quiet": True}


_HEADER_NAMES = st.sampled_from(
    [
        "content-length",
        "x-amz-copy-source",
        "if-modified-since",
        "x-amz-object-attributes",
        "x-amz-mp-parts-count",
        "x-amz-bypass-governance-retention",
        "x-amz-meta-a",
        "content-type",
        "x-amzn-sagemaker-session-id",
    ]
)
_FUZZ = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@_FUZZ
@given(
    method=st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH"]),
    path=st.sampled_from(
        ["/", "/b", "/b/k", "/b/k/", "//", "/b%zz/k%", "/endpoints/e/invocations"]
    ),
    query=st.text(max_size=30),
    headers=st.lists(st.tuples(_HEADER_NAMES, st.text(max_size=20)), max_size=4),
    body=st.binary(max_size=64) | st.sampled_from([b"<a>", b"<Tagging><TagSet>", b"{", b"[]"]),
)
def test_garbage_requests_only_raise_client_errors(
    method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes
) -> None:
    for codec in (S3, RUNTIME):
        req = HttpRequest(method, path, query, headers, body_reader=BytesReader(body))
        try:
            op, labels = codec.match_operation(req)
            params = codec.parse(op, req, labels)
        except ServiceError as err:
            assert 400 <= err.status < 500
            continue
        assert isinstance(params, dict)
