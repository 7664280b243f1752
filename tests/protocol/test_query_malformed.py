"""Whatever form arrives, the query codec answers a 4xx ServiceError, never a crash."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sagelab.gateway.codec.query import QueryCodec
from sagelab.gateway.errors import ServiceError, ValidationError
from sagelab.gateway.http import BytesReader, HttpRequest
from sagelab.gateway.models import service_model

SAMPLE = [
    ("iam", "CreateUser"),
    ("iam", "PutRolePolicy"),
    ("iam", "ListUsers"),
    ("sts", "AssumeRole"),
    ("iam", "CreatePolicyVersion"),
]
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
FORM = "application/x-www-form-urlencoded; charset=utf-8"


def request(body: bytes, query: str = "", method: str = "POST") -> HttpRequest:
    headers = [("content-type", FORM)] if body else []
    return HttpRequest(method, "/", query, headers, body_reader=BytesReader(body))


def parse(service: str, body: bytes, query: str = "", method: str = "POST") -> dict[str, Any]:
    codec = QueryCodec(service_model(service))
    op, labels = codec.match_operation(request(body, query, method))
    return codec.parse(op, request(body, query, method), labels)


def assert_client_error(service: str, body: bytes) -> None:
    try:
        parse(service, body)
    except ServiceError as err:
        assert 400 <= err.status < 500, err


@pytest.mark.parametrize(("service", "operation"), SAMPLE)
@FUZZ
@given(tail=st.binary(max_size=64))
def test_random_bytes_are_parsed_or_refused(service: str, operation: str, tail: bytes) -> None:
    assert_client_error(service, f"Action={operation}&".encode() + tail)


@pytest.mark.parametrize(("service", "operation"), SAMPLE)
@FUZZ
@given(data=st.data())
def test_mistyped_members_are_refused(service: str, operation: str, data: st.DataObject) -> None:
    names = sorted(service_model(service).operation_model(operation).input_shape.members)
    suffixes = st.sampled_from(["", ".member.1", ".member.x", ".entry.1.key", ".1", ".A.B"])
    keys = st.tuples(st.sampled_from(names), suffixes).map("".join)
    pairs = data.draw(st.lists(st.tuples(keys, st.text(max_size=6)), max_size=6))
    form = "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs)
    assert_client_error(service, f"Action={operation}&{form}".encode())


@pytest.mark.parametrize(
    "body", [b"Action=ListUsers&Path=%ff", b"Action=ListUsers&Path=\xff", b"Action=ListUsers&\xc3"]
)
def test_invalid_utf8_is_malformed(body: bytes) -> None:
    with pytest.raises(ServiceError) as caught:
        parse("iam", body)
    assert (caught.value.code, caught.value.status) == ("MalformedQueryString", 400)


@pytest.mark.parametrize("body", [b"", b"Version=2010-05-08", b"Action=Nope&Version=2010-05-08"])
def test_unknown_actions_are_invalid_actions(body: bytes) -> None:
    with pytest.raises(ServiceError) as caught:
        parse("iam", body)
    assert (caught.value.code, caught.value.status) == ("InvalidAction", 400)
    assert caught.value.message.startswith("Could not find operation")


def test_a_word_where_an_integer_belongs_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as caught:
        parse("iam", b"Action=ListUsers&MaxItems=ten")
    assert "MaxItems" in caught.value.message


def test_get_requests_carry_params_in_the_query_string() -> None:
    assert parse("iam", b"", "Action=ListUsers&MaxItems=5", "GET") == {"MaxItems": 5}


def test_lists_maps_and_structures_nest_by_dots() -> None:
    body = (
        b"Action=AssumeRole&RoleArn=arn&RoleSessionName=s&DurationSeconds=900"
        b"&PolicyArns.member.2.arn=b&PolicyArns.member.1.arn=a"
        b"&Tags.member.1.Key=k&Tags.member.1.Value=v&TransitiveTagKeys="
    )
    assert parse("sts", body) == {
        "RoleArn": "arn",
        "RoleSessionName": "s",
        "DurationSeconds": 900,
        "PolicyArns": [{"arn": "a"}, {"arn": "b"}],
        "Tags": [{"Key": "k", "Value": "v"}],
        "TransitiveTagKeys": [],
    }
