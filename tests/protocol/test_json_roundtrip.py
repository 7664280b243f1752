"""Every json-protocol operation, through botocore both ways: botocore's serializer → our
parse gives back the params; our serialize → botocore's parser gives back the result."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.model import OperationModel
from hypothesis import given
from strategies import (
    FEW_EXAMPLES,
    botocore_parse,
    botocore_request,
    operations,
    output_for,
    params_for,
)

from sagelab.gateway.codec.json import JsonCodec
from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import ServiceError
from sagelab.gateway.models import service_model

SERVICES = ("sagemaker", "logs", "cloudwatch")
CTX = RequestContext(request_id="req-1")


@pytest.mark.parametrize("op", operations(SERVICES, "input_shape"))
def test_botocore_requests_parse_back_to_their_params(op: OperationModel) -> None:
    codec = JsonCodec(op.service_model)

    @FEW_EXAMPLES
    @given(params_for(op.input_shape))
    def check(params: dict[str, Any]) -> None:
        req = botocore_request("json", op, params)
        matched, labels = codec.match_operation(req)
        assert matched.name == op.name
        assert codec.parse(matched, req, labels) == params

    check()


@pytest.mark.parametrize("op", operations(SERVICES, "output_shape"))
def test_results_parse_back_in_botocore(op: OperationModel) -> None:
    codec = JsonCodec(op.service_model)

    @FEW_EXAMPLES
    @given(output_for(op.output_shape))
    def check(result: dict[str, Any]) -> None:
        parsed = botocore_parse("json", op, codec.serialize(op, result, CTX))
        metadata = parsed.pop("ResponseMetadata")
        assert metadata["RequestId"] == "req-1"
        assert parsed == result

    check()


@pytest.mark.parametrize("service", SERVICES)
def test_errors_parse_in_botocore_with_code_and_message(service: str) -> None:
    model = service_model(service)
    codec = JsonCodec(model)
    op = model.operation_model(model.operation_names[0])
    codes = {"ValidationException"}
    codes.update(s.metadata.get("error", {}).get("code", s.name) for s in model.error_shapes)
    for code in sorted(codes):
        resp = codec.serialize_error(ServiceError(code, f"no {code}", 409), CTX, op)
        assert resp.status == 409
        error = botocore_parse("json", op, resp)["Error"]
        assert (error["Code"], error["Message"]) == (code, f"no {code}")
