"""Every query-protocol operation (IAM, STS), through botocore both ways."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from botocore.handlers import json_decode_policies
from botocore.model import OperationModel, Shape
from hypothesis import given
from strategies import (
    FEW_EXAMPLES,
    botocore_parse,
    botocore_request,
    operations,
    output_for,
    params_for,
)

from sagelab.gateway.codec.query import POLICY_DOCUMENT_SHAPE, QueryCodec
from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import ServiceError, ValidationError
from sagelab.gateway.models import service_model

SERVICES = ("iam", "sts")
CTX = RequestContext(request_id="req-1")


def without_empties(value: Any) -> Any:
    """Query params cannot say "empty map" or "empty structure": botocore sends nothing."""
    if isinstance(value, dict):
        kept = {k: without_empties(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in ({}, [])}
    if isinstance(value, list):
        items = [without_empties(v) for v in value]
        return [v for v in items if v not in ({}, [])]
    return value


def as_client_sees_policies(shape: Shape, value: Any) -> Any:
    """botocore's handler turns a policy document that is JSON into a dict, and leaves any
    other text as the service sent it: URL-encoded."""
    if shape.type_name == "list":
        return [as_client_sees_policies(shape.member, v) for v in value]
    if shape.type_name != "structure":
        return value
    seen = {}
    for name, item in value.items():
        member = shape.members[name]
        if member.name == POLICY_DOCUMENT_SHAPE:
            seen[name] = _json_or_text(item)
        else:
            seen[name] = as_client_sees_policies(member, item)
    return seen


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return quote(text, safe="")


@pytest.mark.parametrize("op", operations(SERVICES, "input_shape"))
def test_botocore_requests_parse_back_to_their_params(op: OperationModel) -> None:
    codec = QueryCodec(op.service_model)

    @FEW_EXAMPLES
    @given(params_for(op.input_shape))
    def check(params: dict[str, Any]) -> None:
        req = botocore_request("query", op, params)
        matched, labels = codec.match_operation(req)
        assert matched.name == op.name
        assert without_empties(codec.parse(matched, req, labels)) == without_empties(params)

    check()


@pytest.mark.parametrize("op", operations(SERVICES, "output_shape"))
def test_results_parse_back_in_botocore(op: OperationModel) -> None:
    codec = QueryCodec(op.service_model)

    @FEW_EXAMPLES
    @given(output_for(op.output_shape))
    def check(result: dict[str, Any]) -> None:
        resp = codec.serialize(op, result, CTX)
        assert resp.header("Content-Type") == "text/xml"
        parsed = botocore_parse("query", op, resp)
        assert parsed.pop("ResponseMetadata")["RequestId"] == "req-1"
        json_decode_policies(parsed, op)
        assert parsed == as_client_sees_policies(op.output_shape, result)

    check()


def test_operations_without_output_still_answer_response_metadata() -> None:
    model = service_model("iam")
    op = model.operation_model("DeleteUser")
    assert op.output_shape is None
    resp = QueryCodec(model).serialize(op, {}, CTX)
    assert resp.body.startswith(b"<?xml")
    assert b"<DeleteUserResponse xmlns=" in resp.body
    assert botocore_parse("query", op, resp)["ResponseMetadata"]["RequestId"] == "req-1"


def test_policy_documents_are_url_encoded_and_decoded_by_botocore() -> None:
    model = service_model("iam")
    op = model.operation_model("GetRolePolicy")
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}
    result = {"RoleName": "r", "PolicyName": "p", "PolicyDocument": json.dumps(document)}
    resp = QueryCodec(model).serialize(op, result, CTX)
    assert b"%7B%22Version%22" in resp.body
    parsed = botocore_parse("query", op, resp)
    json_decode_policies(parsed, op)
    assert parsed["PolicyDocument"] == document


@pytest.mark.parametrize("service", SERVICES)
def test_errors_parse_in_botocore_with_code_and_message(service: str) -> None:
    model = service_model(service)
    codec = QueryCodec(model)
    op = model.operation_model(model.operation_names[0])
    codes = {s.metadata.get("error", {}).get("code", s.name) for s in model.error_shapes}
    for code in sorted(codes):
        resp = codec.serialize_error(ServiceError(code, f"no {code}", 404), CTX, op)
        assert resp.status == 404
        parsed = botocore_parse("query", op, resp)
        assert parsed["Error"] == {"Type": "Sender", "Code": code, "Message": f"no {code}"}
        assert parsed["ResponseMetadata"]["RequestId"] == "req-1"


def test_validation_errors_use_the_query_code() -> None:
    model = service_model("iam")
    op = model.operation_model("ListUsers")
    resp = QueryCodec(model).serialize_error(ValidationError(message="bad"), CTX, op)
    assert botocore_parse("query", op, resp)["Error"]["Code"] == "ValidationError"


def test_server_faults_say_receiver() -> None:
    model = service_model("sts")
    op = model.operation_model("GetCallerIdentity")
    err = ServiceError("InternalFailure", "boom", 500, sender_fault=False)
    parsed = botocore_parse("query", op, QueryCodec(model).serialize_error(err, CTX, op))
    assert parsed["Error"]["Type"] == "Receiver"
