"""rest-xml (S3): REST routing plus XML bodies in namespace
`http://s3.amazonaws.com/doc/2006-03-01/`, errors as `<Error><Code/><Message/>…</Error>`.

Request XML is matched by local names only: clients differ in whether they send the namespace.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree

from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from sagelab.gateway.codec import rest, shapes, xml
from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import ServiceError, ValidationError
from sagelab.gateway.http import HttpRequest, HttpResponse

S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"
# Far above any XML document S3 accepts (DeleteObjects: 1000 keys); bigger is refused.
MAX_XML_BODY = 8 << 20
_MALFORMED = (
    "The XML you provided was not well-formed or did not validate against our published schema"
)


def malformed_xml() -> ServiceError:
    return ServiceError("MalformedXML", _MALFORMED, 400)


class RestXmlCodec:
    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self._router = rest.Router(model)

    def match_operation(self, req: HttpRequest) -> tuple[OperationModel, dict[str, str]]:
        found = self._router.match(req)
        if found is None:
            raise ServiceError(
                "MethodNotAllowed",
                "The specified method is not allowed against this resource.",
                405,
                Method=req.method.upper(),
                ResourceType="OBJECT" if req.raw_path.strip("/").count("/") else "BUCKET",
            )
        return found

    def parse(
        self, op: OperationModel, req: HttpRequest, uri_params: dict[str, str]
    ) -> dict[str, Any]:
        shape = op.input_shape
        if shape is None:
            return {}
        params = rest.parse_located(shape, req, uri_params)
        params.update(_parse_payload(shape, req))
        return params

    def serialize(
        self, op: OperationModel, result: dict[str, Any], ctx: RequestContext
    ) -> HttpResponse:
        response = rest.located_response(op, result)
        _add_request_ids(response, ctx)
        shape = op.output_shape
        if shape is None:
            return response
        payload = shape.serialization.get("payload")
        if payload is None:
            _put_xml(response, shape, _root_name(shape), rest.body_members(shape, result))
        elif result.get(payload) is not None:
            _put_payload(response, shape.members[payload], payload, result[payload])
        return response

    def serialize_error(
        self, err: ServiceError, ctx: RequestContext, op: OperationModel | None
    ) -> HttpResponse:
        response = HttpResponse(status=err.status)
        for name, value in err.headers.items():
            response.set_header(name, value)
        host_id = _add_request_ids(response, ctx)
        if op is not None and op.http["method"].upper() == "HEAD":
            return response  # HEAD answers carry no body; botocore names the error by status
        code = "InvalidArgument" if _is_generic_validation(err) else err.code
        response.set_header("Content-Type", "application/xml")
        response.body = _error_document(code, err, ctx.request_id, host_id)
        return response


def _is_generic_validation(err: ServiceError) -> bool:
    return isinstance(err, ValidationError) and err.code == ValidationError.code


def _add_request_ids(response: HttpResponse, ctx: RequestContext) -> str:
    host_id = base64.b64encode(secrets.token_bytes(24)).decode()
    response.set_header("x-amz-request-id", ctx.request_id)
    response.set_header("x-amz-id-2", host_id)
    return host_id


def _error_document(code: str, err: ServiceError, request_id: str, host_id: str) -> bytes:
    root = ElementTree.Element("Error")
    fields: dict[str, Any] = {"Code": code, "Message": err.message, **err.fields}
    fields.update(RequestId=request_id, HostId=host_id)
    for name, value in fields.items():
        if value is not None:
            ElementTree.SubElement(root, name).text = str(value)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root)


# --- responses ------------------------------------------------------------------------------


def _root_name(shape: Shape) -> str:
    return str(shape.serialization.get("name", shape.name))


def _put_xml(response: HttpResponse, shape: Shape, root: str, value: Mapping[str, Any]) -> None:
    if not value and shape.type_name == "structure" and not rest.has_body_members(shape):
        return
    response.set_header("Content-Type", "application/xml")
    response.body = xml.to_xml(shape, dict(value), root, namespace=S3_NAMESPACE)


def _event_xml(shape: Shape, value: dict[str, Any]) -> bytes:
    return xml.to_xml(shape, value, _root_name(shape))


def _put_payload(response: HttpResponse, member: Shape, name: str, value: Any) -> None:
    if member.type_name == "structure" and member.serialization.get("eventstream"):
        response.body = rest.event_stream(member, value, _event_xml, "text/xml")
    elif member.type_name == "structure":
        _put_xml(response, member, str(member.serialization.get("name", name)), value)
    elif member.serialization.get("xmlNamespace"):
        # A scalar payload that declares a namespace is an XML element of its own:
        # S3's GetBucketLocation answers <LocationConstraint>region</LocationConstraint>.
        root = ElementTree.Element(name, xmlns=member.serialization["xmlNamespace"]["uri"])
        root.text = xml.xml_text(member, value)
        response.set_header("Content-Type", "application/xml")
        response.body = xml.xml_bytes(root)
    else:
        response.body = rest.raw_payload(value)


# --- requests -------------------------------------------------------------------------------


def _parse_payload(shape: StructureShape, req: HttpRequest) -> dict[str, Any]:
    payload = shape.serialization.get("payload")
    if payload is not None:
        member = shape.members[payload]
        value = _payload_value(member, req)
        return {} if value is None else {payload: value}
    if not rest.has_body_members(shape):
        return {}
    root = _read_xml(req.read_body(MAX_XML_BODY))
    return {} if root is None else _structure(shape, root)


def _payload_value(member: Shape, req: HttpRequest) -> Any:
    if member.type_name == "blob":
        return req.body_reader  # may be gigabytes: the service streams it
    body = req.read_body(MAX_XML_BODY)
    if member.type_name == "string":
        return rest.decode_text(body, member.name) if body else None
    root = _read_xml(body)
    return None if root is None else _structure(member, root)


def _read_xml(body: bytes) -> ElementTree.Element | None:
    if not body.strip():
        return None
    upper = body.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise malformed_xml()  # no DTDs: entity expansion is an attack, never a feature
    try:
        return ElementTree.fromstring(body)
    except (ElementTree.ParseError, ValueError) as exc:
        raise malformed_xml() from exc


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _value(shape: Shape, nodes: list[ElementTree.Element]) -> Any:
    kind = shape.type_name
    if kind == "list":
        return _list(shape, nodes)
    if kind == "structure":
        return _structure(shape, nodes[0])
    if kind == "map":
        return _map(shape, nodes)
    return _scalar(shape, nodes[0].text or "")


def _structure(shape: Shape, node: ElementTree.Element) -> dict[str, Any]:
    children: dict[str, list[ElementTree.Element]] = {}
    for child in node:
        children.setdefault(_local(child.tag), []).append(child)
    attributes = {_local(k): v for k, v in node.attrib.items()}
    parsed: dict[str, Any] = {}
    for name, member in getattr(shape, "members", {}).items():
        if "location" in member.serialization:
            continue
        if member.serialization.get("xmlAttribute"):
            found = attributes.get(_local_name(member.serialization["name"]))
            if found is not None:
                parsed[name] = found
            continue
        nodes = children.get(_member_key(member, name))
        if nodes:
            parsed[name] = _value(member, nodes)
    return parsed


def _local_name(name: str) -> str:
    return name.rpartition(":")[2]


def _member_key(member: Shape, name: str) -> str:
    if member.type_name == "list" and member.serialization.get("flattened"):
        item_name = member.member.serialization.get("name")
        if item_name:
            return str(item_name)
    return str(member.serialization.get("name", name))


def _list(shape: Shape, nodes: list[ElementTree.Element]) -> list[Any]:
    item = shape.member
    items = nodes if shape.serialization.get("flattened") else list(nodes[0])
    return [_value(item, [node]) for node in items]


def _map(shape: Shape, nodes: list[ElementTree.Element]) -> dict[Any, Any]:
    key_shape, value_shape = shape.key, shape.value
    key_name = key_shape.serialization.get("name", "key")
    value_name = value_shape.serialization.get("name", "value")
    entries = nodes if shape.serialization.get("flattened") else list(nodes[0])
    parsed: dict[Any, Any] = {}
    for entry in entries:
        parts = {_local(child.tag): child for child in entry}
        if key_name not in parts or value_name not in parts:
            raise malformed_xml()
        key = _value(key_shape, [parts[key_name]])
        parsed[key] = _value(value_shape, [parts[value_name]])
    return parsed


def _scalar(shape: Shape, text: str) -> Any:
    try:
        return shapes.parse_text_scalar(shape, text, shape.name)
    except ValidationError as exc:
        raise malformed_xml() from exc
