"""Whatever arrives, the json codec answers a 4xx ServiceError, never a crash."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sagelab.gateway.codec.json import JsonCodec
from sagelab.gateway.errors import ServiceError, ValidationError
from sagelab.gateway.http import BytesReader, HttpRequest
from sagelab.gateway.models import service_model

SAMPLE = [
    ("sagemaker", "CreateTrainingJob"),
    ("sagemaker", "ListTrainingJobs"),
    ("logs", "PutLogEvents"),
    ("logs", "FilterLogEvents"),
    ("cloudwatch", "PutMetricData"),
]
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


def request(target: str, body: bytes) -> HttpRequest:
    headers = [("x-amz-target", target), ("content-type", "application/x-amz-json-1.1")]
    return HttpRequest("POST", "/", "", headers, body_reader=BytesReader(body))


def parse(service: str, operation: str, body: bytes) -> dict[str, Any]:
    model = service_model(service)
    codec = JsonCodec(model)
    target = f"{model.metadata['targetPrefix']}.{operation}"
    op, labels = codec.match_operation(request(target, body))
    return codec.parse(op, request(target, body), labels)


def assert_client_error(service: str, operation: str, body: bytes) -> None:
    try:
        parse(service, operation, body)
    except ServiceError as err:
        assert 400 <= err.status < 500, err


@pytest.mark.parametrize(("service", "operation"), SAMPLE)
@FUZZ
@given(body=st.binary(max_size=64))
def test_random_bytes_are_parsed_or_refused(service: str, operation: str, body: bytes) -> None:
    assert_client_error(service, operation, body)


@pytest.mark.parametrize(("service", "operation"), SAMPLE)
@FUZZ
@given(data=st.data())
def test_mistyped_members_are_refused(service: str, operation: str, data: st.DataObject) -> None:
    members = sorted(service_model(service).operation_model(operation).input_shape.members)
    document = data.draw(st.dictionaries(st.sampled_from(members), JSON_VALUES, max_size=6))
    assert_client_error(service, operation, json.dumps(document).encode())


@pytest.mark.parametrize(
    "body",
    [b"{", b"[]", b'"text"', b"null", b"\xff\xfe{}", b'{"a": "\xc3"}', b"[" * 100_000],
)
def test_malformed_documents_are_serialization_exceptions(body: bytes) -> None:
    with pytest.raises(ServiceError) as caught:
        parse("sagemaker", "ListTrainingJobs", body)
    assert (caught.value.code, caught.value.status) == ("SerializationException", 400)


def test_an_empty_body_is_an_empty_object() -> None:
    assert parse("sagemaker", "ListTrainingJobs", b"") == {}


def test_a_string_where_an_integer_belongs_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as caught:
        parse("sagemaker", "ListTrainingJobs", b'{"MaxResults": "ten"}')
    assert "MaxResults" in caught.value.message
    assert caught.value.code == "ValidationException"


def test_an_unparseable_timestamp_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        parse("sagemaker", "ListTrainingJobs", b'{"CreationTimeAfter": "yesterday"}')


def test_nulls_and_unknown_keys_are_dropped() -> None:
    body = b'{"MaxResults": null, "Bogus": 1, "NameContains": "x"}'
    assert parse("sagemaker", "ListTrainingJobs", body) == {"NameContains": "x"}


@pytest.mark.parametrize("target", ["", "SageMaker", "SageMaker.Nope", "Logs_20140328.ListTags"])
def test_unknown_targets_are_unknown_operations(target: str) -> None:
    codec = JsonCodec(service_model("sagemaker"))
    with pytest.raises(ServiceError) as caught:
        codec.match_operation(request(target, b"{}"))
    assert (caught.value.code, caught.value.status) == ("UnknownOperationException", 400)
