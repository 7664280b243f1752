"""rest-json (sagemaker-runtime): REST routing plus JSON bodies; errors as a JSON body
`{"message": …, <error members>}` named by the `X-Amzn-ErrorType` header."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from sagelab.gateway.codec import rest, shapes
from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import ServiceError, ValidationError
from sagelab.gateway.http import BodyTooLarge, HttpRequest, HttpResponse

# Bodies of blob payloads without a model `max`, and of JSON documents.
MAX_BODY = 32 << 20


class RestJsonCodec:
    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self._router = rest.Router(model)
        # Services name their validation error themselves (runtime: `ValidationError`).
        names = model.error_shapes
        self._validation_code = next(
            (s.name for s in names if s.name == "ValidationError"), ValidationError.code
        )

    def match_operation(self, req: HttpRequest) -> tuple[OperationModel, dict[str, str]]:
        found = self._router.match(req)
        if found is None:
            raise ServiceError(
                "UnknownOperationException", "The requested operation is not recognized.", 404
            )
        return found

    def parse(
        self, op: OperationModel, req: HttpRequest, uri_params: dict[str, str]
    ) -> dict[str, Any]:
        shape = op.input_shape
        if shape is None:
            return {}
        params = rest.parse_located(shape, req, uri_params)
        params.update(self._parse_payload(shape, req))
        return params

    def _parse_payload(self, shape: StructureShape, req: HttpRequest) -> dict[str, Any]:
        payload = shape.serialization.get("payload")
        if payload is None:
            document = _read_json(req, shape.name)
            return _structure(shape, document, "") if document is not None else {}
        member = shape.members[payload]
        value = self._payload_value(member, payload, req)
        return {} if value is None else {payload: value}

    def _payload_value(self, member: Shape, name: str, req: HttpRequest) -> Any:
        if member.type_name == "blob" and member.serialization.get("streaming"):
            return req.body_reader
        if member.type_name in ("blob", "string"):
            body = self._read_limited(req, member, name)
            if not body:
                return None
            return body if member.type_name == "blob" else rest.decode_text(body, name)
        document = _read_json(req, name)
        return None if document is None else _value(member, document, name)

    def _read_limited(self, req: HttpRequest, member: Shape, name: str) -> bytes:
        limit = int(member.metadata.get("max", MAX_BODY))
        try:
            return req.read_body(limit)
        except BodyTooLarge as exc:
            raise ServiceError(
                self._validation_code,
                f"Received payload size exceeds the maximum of {limit} bytes for {name}.",
                400,
            ) from exc

    def serialize(
        self, op: OperationModel, result: dict[str, Any], ctx: RequestContext
    ) -> HttpResponse:
        response = rest.located_response(op, result)
        response.set_header("x-amzn-RequestId", ctx.request_id)
        shape = op.output_shape
        if shape is None:
            return response
        payload = shape.serialization.get("payload")
        if payload is None:
            body = rest.body_members(shape, result)
            if body or rest.has_body_members(shape):
                _put_json(response, _to_json(shape, body))
        elif result.get(payload) is not None:
            _put_payload(response, shape.members[payload], result[payload])
        return response

    def serialize_error(
        self, err: ServiceError, ctx: RequestContext, op: OperationModel | None
    ) -> HttpResponse:
        code = err.code
        if isinstance(err, ValidationError) and code == ValidationError.code:
            code = self._validation_code
        response = HttpResponse(status=err.status)
        for name, value in err.headers.items():
            response.set_header(name, value)
        response.set_header("x-amzn-RequestId", ctx.request_id)
        response.set_header("X-Amzn-ErrorType", code)
        fields = {k: v for k, v in err.fields.items() if v is not None}
        _put_json(response, {"message": err.message, **fields})
        return response


def _put_json(response: HttpResponse, document: Any) -> None:
    response.set_header("Content-Type", "application/json")
    response.body = json.dumps(document, separators=(",", ":")).encode()


def _put_payload(response: HttpResponse, member: Shape, value: Any) -> None:
    if member.serialization.get("eventstream"):
        response.set_header("Content-Type", "application/vnd.amazon.eventstream")
        response.body = rest.event_stream(member, value, _event_json, "application/json")
    elif member.type_name == "structure":
        _put_json(response, _to_json(member, value))
    else:
        response.body = rest.raw_payload(value)


def _event_json(shape: Shape, value: dict[str, Any]) -> bytes:
    return json.dumps(_to_json(shape, value), separators=(",", ":")).encode()


# --- JSON documents <-> params --------------------------------------------------------------


def _read_json(req: HttpRequest, path: str) -> Any:
    body = req.read_body(MAX_BODY)
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise shapes.type_error("<body>", path, "JSON document") from exc


def _value(shape: Shape, value: Any, path: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, value, path)
    if kind == "list":
        if not isinstance(value, list):
            raise shapes.type_error(value, path, "list")
        return [_value(shape.member, item, f"{path}.member") for item in value]
    if kind == "map":
        if not isinstance(value, dict):
            raise shapes.type_error(value, path, "map")
        return {k: _value(shape.value, v, f"{path}.{k}") for k, v in value.items()}
    return shapes.parse_json_scalar(shape, value, path)


def _structure(shape: Shape, value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise shapes.type_error(value, path, "structure")
    if getattr(shape, "is_document_type", False):
        return value
    parsed: dict[str, Any] = {}
    for name, member in shape.members.items():
        if "location" in member.serialization:
            continue
        item = value.get(member.serialization.get("name", name))
        if item is not None:
            parsed[name] = _value(member, item, f"{path}.{name}" if path else name)
    return parsed


def _to_json(shape: Shape, value: Any) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _structure_to_json(shape, value)
    if kind == "list":
        return [_to_json(shape.member, item) for item in value if item is not None]
    if kind == "map":
        return {k: _to_json(shape.value, v) for k, v in value.items() if v is not None}
    return shapes.format_json_scalar(shape, value)


def _structure_to_json(shape: Shape, value: Mapping[str, Any]) -> dict[str, Any]:
    if getattr(shape, "is_document_type", False):
        return dict(value)
    return {
        member.serialization.get("name", name): _to_json(member, value[name])
        for name, member in shape.members.items()
        if value.get(name) is not None and "location" not in member.serialization
    }
