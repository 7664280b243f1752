"""The `query` protocol: IAM and STS.

Requests are form parameters (`Action=ListUsers&Version=…&Path=/`) in a urlencoded body or
the query string, nested by dots: `A.member.N` lists, `A.entry.N.key/value` maps, `A.B`
structures. Responses are `<OpResponse><OpResult>…</OpResult><ResponseMetadata>` XML.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, quote
from xml.etree.ElementTree import Element, SubElement

from botocore.model import OperationModel, ServiceModel, Shape

from sagelab.gateway.codec.shapes import (
    MAX_DOCUMENT_BODY,
    parse_text_scalar,
    serialized_name,
    type_error,
)
from sagelab.gateway.codec.xml import write_members, xml_bytes
from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import ServiceError, ValidationError
from sagelab.gateway.http import HttpRequest, HttpResponse

# IAM sends policy documents URL-encoded; botocore's `json_decode_policies` handler
# unquotes and JSON-decodes every string member whose shape has this name.
POLICY_DOCUMENT_SHAPE = "policyDocumentType"
MAX_PARAMS = 10_000


class InvalidAction(ServiceError):
    code = "InvalidAction"
    status = 400


class MalformedQueryString(ServiceError):
    code = "MalformedQueryString"
    status = 400


class QueryCodec:
    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self.namespace: str = model.metadata.get("xmlNamespace", "")

    @cached_property
    def _operations(self) -> frozenset[str]:
        return frozenset(self.model.operation_names)

    def match_operation(self, req: HttpRequest) -> tuple[OperationModel, dict[str, str]]:
        params = dict(_form(req))
        action = params.get("Action", "")
        if action not in self._operations:
            version = params.get("Version", self.model.api_version)
            raise InvalidAction(message=f"Could not find operation {action} for version {version}")
        return self.model.operation_model(action), {}

    def parse(
        self, op: OperationModel, req: HttpRequest, uri_params: dict[str, str]
    ) -> dict[str, Any]:
        if op.input_shape is None:
            return {}
        tree = _Node.of(_form(req))
        params: dict[str, Any] = _structure(op.input_shape, tree, "")
        return params

    def serialize(
        self, op: OperationModel, result: dict[str, Any], ctx: RequestContext
    ) -> HttpResponse:
        root = self._root(f"{op.name}Response")
        shape = op.output_shape
        if shape is not None:
            wrapper = shape.serialization.get("resultWrapper")
            target = SubElement(root, wrapper) if wrapper else root
            write_members(target, shape, encode_policies(shape, result))
        metadata = SubElement(root, "ResponseMetadata")
        SubElement(metadata, "RequestId").text = ctx.request_id
        return HttpResponse(200, self._headers(ctx), xml_bytes(root))

    def serialize_error(
        self, err: ServiceError, ctx: RequestContext, op: OperationModel | None
    ) -> HttpResponse:
        root = self._root("ErrorResponse")
        error = SubElement(root, "Error")
        SubElement(error, "Type").text = "Sender" if err.sender_fault else "Receiver"
        SubElement(error, "Code").text = _query_code(err)
        SubElement(error, "Message").text = err.message
        for name, value in err.fields.items():
            SubElement(error, name).text = str(value)
        SubElement(root, "RequestId").text = ctx.request_id
        headers = self._headers(ctx)
        headers.extend(err.headers.items())
        return HttpResponse(err.status, headers, xml_bytes(root))

    def _root(self, name: str) -> Element:
        root = Element(name)
        if self.namespace:
            root.set("xmlns", self.namespace)
        return root

    def _headers(self, ctx: RequestContext) -> list[tuple[str, str]]:
        return [("Content-Type", "text/xml"), ("x-amzn-RequestId", ctx.request_id)]


def _query_code(err: ServiceError) -> str:
    # Query services spell the generic validation failure `ValidationError`.
    if isinstance(err, ValidationError) and err.code == ValidationError.code:
        return "ValidationError"
    return err.code


def encode_policies(shape: Shape, value: Any) -> Any:
    """`value` with every policy-document string URL-encoded, as IAM sends them."""
    if shape.type_name == "list":
        return [encode_policies(shape.member, item) for item in value]
    if shape.type_name != "structure" or not isinstance(value, Mapping):
        return value
    encoded = dict(value)
    for name, member in shape.members.items():
        item = encoded.get(name)
        if item is None:
            continue
        if member.type_name == "string" and member.name == POLICY_DOCUMENT_SHAPE:
            text = item if isinstance(item, str) else json.dumps(item)
            encoded[name] = quote(text, safe="")
        else:
            encoded[name] = encode_policies(member, item)
    return encoded


# -- request form -> params -------------------------------------------------------------------


def _form(req: HttpRequest) -> list[tuple[str, str]]:
    """Query-string then body parameters, strictly UTF-8."""
    sources = [req.query_string]
    body = req.read_body(MAX_DOCUMENT_BODY)
    if body:
        try:
            sources.append(body.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise MalformedQueryString(message="The request body is not valid UTF-8.") from exc
    pairs: list[tuple[str, str]] = []
    for source in sources:
        try:
            pairs += parse_qsl(
                source, keep_blank_values=True, errors="strict", max_num_fields=MAX_PARAMS
            )
        except ValueError as exc:  # UnicodeDecodeError included
            raise MalformedQueryString(message="The query string is malformed.") from exc
    return pairs


@dataclass
class _Node:
    """One dotted segment of the parameter names: `A.member.1` is root → A → member → 1."""

    text: str | None = None
    children: dict[str, _Node] = field(default_factory=dict)

    @classmethod
    def of(cls, pairs: list[tuple[str, str]]) -> _Node:
        root = cls()
        for key, value in pairs:
            node = root
            for part in key.split("."):
                node = node.children.setdefault(part, cls())
            node.text = value
        return root

    def indexed(self) -> list[_Node]:
        """Children named 1, 2, … in numeric order (other names are ignored)."""
        numbered = [(int(k), child) for k, child in self.children.items() if _is_index(k)]
        return [child for _, child in sorted(numbered, key=lambda pair: pair[0])]


def _is_index(name: str) -> bool:
    return name.isascii() and name.isdigit() and len(name) < 10


def _value(shape: Shape, node: _Node, path: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, node, path)
    if kind == "list":
        return _list(shape, node, path)
    if kind == "map":
        return _map(shape, node, path)
    if node.text is None:
        raise type_error("(nested parameters)", path, kind)
    return parse_text_scalar(shape, node.text, path)


def _structure(shape: Shape, node: _Node, path: str) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for name, member in shape.members.items():
        child = node.children.get(serialized_name(member, name))
        if child is not None:
            parsed[name] = _value(member, child, f"{path}.{name}" if path else name)
    return parsed


def _list(shape: Shape, node: _Node, path: str) -> list[Any]:
    if shape.serialization.get("flattened"):
        items = node.indexed()
    else:
        wrapper = node.children.get(shape.member.serialization.get("name", "member"))
        items = wrapper.indexed() if wrapper else []
    return [_value(shape.member, item, f"{path}.{i}") for i, item in enumerate(items, 1)]


def _map(shape: Shape, node: _Node, path: str) -> dict[Any, Any]:
    entries = node if shape.serialization.get("flattened") else node.children.get("entry")
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    parsed: dict[Any, Any] = {}
    for i, entry in enumerate(entries.indexed() if entries else [], 1):
        key = entry.children.get(key_name)
        if key is None:
            raise type_error(f"entry {i}", path, "map entry with a key")
        # An empty structure value leaves no parameter behind, only its key.
        value = entry.children.get(value_name) or _Node()
        parsed[_value(shape.key, key, f"{path}.{i}")] = _value(shape.value, value, f"{path}.{i}")
    return parsed
