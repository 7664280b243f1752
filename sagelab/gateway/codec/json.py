"""The `json` protocol (1.0 and 1.1): SageMaker, CloudWatch Logs, CloudWatch metrics.

`POST /` with `X-Amz-Target: <targetPrefix>.<Operation>` and a JSON object body; responses
are JSON objects, errors `{"__type", "message"}`. `json_to_params` and `params_to_json` walk
a JSON document against a shape and are shared with rest-json.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape

from sagelab.gateway.codec.shapes import (
    MAX_DOCUMENT_BODY,
    format_json_scalar,
    parse_json_scalar,
    type_error,
)
from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import ServiceError
from sagelab.gateway.http import HttpRequest, HttpResponse


class SerializationError(ServiceError):
    code = "SerializationException"
    status = 400


class UnknownOperation(ServiceError):
    code = "UnknownOperationException"
    status = 400


class JsonCodec:
    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self.content_type = f"application/x-amz-json-{model.metadata.get('jsonVersion', '1.0')}"
        self._query_compatible = "awsQueryCompatible" in model.metadata

    @cached_property
    def _operations(self) -> frozenset[str]:
        return frozenset(self.model.operation_names)

    @cached_property
    def _error_types(self) -> dict[str, str]:
        """Query-compatible services name an error shape apart from the code clients see."""
        types: dict[str, str] = {}
        for shape in self.model.error_shapes:
            code = (shape.metadata.get("error") or {}).get("code")
            if code:
                types.setdefault(code, shape.name)
        return types

    def match_operation(self, req: HttpRequest) -> tuple[OperationModel, dict[str, str]]:
        target = req.header("x-amz-target") or ""
        prefix, _, name = target.rpartition(".")
        if prefix != self.model.metadata.get("targetPrefix") or name not in self._operations:
            raise UnknownOperation(message=f"Unknown operation {target or '(no X-Amz-Target)'}")
        return self.model.operation_model(name), {}

    def parse(
        self, op: OperationModel, req: HttpRequest, uri_params: dict[str, str]
    ) -> dict[str, Any]:
        document = decode_json_object(req.read_body(MAX_DOCUMENT_BODY))
        if op.input_shape is None:
            return {}
        try:
            params: dict[str, Any] = json_to_params(op.input_shape, document, "")
        except RecursionError as exc:
            raise SerializationError(message="The request is nested too deeply.") from exc
        return params

    def serialize(
        self, op: OperationModel, result: dict[str, Any], ctx: RequestContext
    ) -> HttpResponse:
        shape = op.output_shape
        document = params_to_json(shape, result) if shape is not None else {}
        return HttpResponse(200, self._headers(ctx), _dump(document))

    def serialize_error(
        self, err: ServiceError, ctx: RequestContext, op: OperationModel | None
    ) -> HttpResponse:
        body = {"__type": self._error_types.get(err.code, err.code), "message": err.message}
        body.update(err.fields)
        headers = self._headers(ctx)
        headers.append(("X-Amzn-ErrorType", err.code))
        if self._query_compatible:
            fault = "Sender" if err.sender_fault else "Receiver"
            headers.append(("x-amzn-query-error", f"{err.code};{fault}"))
        headers.extend(err.headers.items())
        return HttpResponse(err.status, headers, _dump(body))

    def _headers(self, ctx: RequestContext) -> list[tuple[str, str]]:
        return [("Content-Type", self.content_type), ("x-amzn-RequestId", ctx.request_id)]


def _dump(document: Any) -> bytes:
    return json.dumps(document, separators=(",", ":"), default=str).encode("utf-8")


def decode_json_object(body: bytes) -> dict[str, Any]:
    """The JSON object a request body holds; an empty body is `{}`."""
    if not body.strip():
        return {}
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SerializationError(message="The request body is not valid JSON.") from exc
    if not isinstance(document, dict):
        raise SerializationError(message="The request body must be a JSON object.")
    return document


# -- request: JSON document -> params ---------------------------------------------------------


def json_to_params(shape: Shape, value: Any, path: str) -> Any:
    """`value` decoded from JSON, converted to what botocore's caller passed for `shape`.
    Nulls are dropped; keys the shape does not know are ignored."""
    kind = shape.type_name
    if kind == "structure":
        return _structure_from_json(shape, value, path)
    if kind == "list":
        if not isinstance(value, list):
            raise type_error(value, path, "list")
        return [
            json_to_params(shape.member, item, f"{path}.{i}")
            for i, item in enumerate(value, 1)
            if item is not None
        ]
    if kind == "map":
        if not isinstance(value, dict):
            raise type_error(value, path, "map")
        return {
            json_to_params(shape.key, key, path): json_to_params(shape.value, item, f"{path}.{key}")
            for key, item in value.items()
            if item is not None
        }
    return parse_json_scalar(shape, value, path)


def _structure_from_json(shape: Shape, value: Any, path: str) -> Any:
    if shape.is_document_type:
        return value
    if not isinstance(value, dict):
        raise type_error(value, path, "structure")
    parsed: dict[str, Any] = {}
    for name, member in shape.members.items():
        item = value.get(member.serialization.get("name", name))
        if item is not None:
            parsed[name] = json_to_params(member, item, f"{path}.{name}" if path else name)
    return parsed


# -- response: result -> JSON document --------------------------------------------------------


def params_to_json(shape: Shape, value: Any) -> Any:
    """`value` (native types) as the JSON botocore's parser reads for `shape`."""
    kind = shape.type_name
    if kind == "structure":
        return _structure_to_json(shape, value)
    if kind == "list":
        return [params_to_json(shape.member, item) for item in value if item is not None]
    if kind == "map":
        return _map_to_json(shape, value)
    return format_json_scalar(shape, value)


def _structure_to_json(shape: Shape, value: Mapping[str, Any]) -> Any:
    if shape.is_document_type:
        return value
    document: dict[str, Any] = {}
    for name, member in shape.members.items():
        item = value.get(name)
        if item is None or member.serialization.get("eventstream"):
            continue
        document[member.serialization.get("name", name)] = params_to_json(member, item)
    return document


def _map_to_json(shape: Shape, value: Mapping[Any, Any]) -> dict[str, Any]:
    return {
        str(params_to_json(shape.key, key)): params_to_json(shape.value, item)
        for key, item in value.items()
        if item is not None
    }
