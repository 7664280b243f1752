"""What rest-json and rest-xml share: the operation router and the members that live outside
the body (URI labels, querystring, headers, status code).

The router is built once per service from each operation's `http.method` + `http.requestUri`.
Among the operations whose template fits a request, the most specific wins: more literal query
keys of the template present (`?uploads`, `?list-type=2`), then required querystring and
header members present rather than missing (UploadPart's `uploadId`, CopyObject's
`x-amz-copy-source`, GetBucketAnalyticsConfiguration's `id`), then more
literal path segments, then no greedy label, then not deprecated, then model order.
"""

from __future__ import annotations

import base64
import functools
import json
import struct
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from sagelab.gateway.codec import shapes
from sagelab.gateway.http import HttpRequest, HttpResponse

Labels = dict[str, str]


@dataclass(frozen=True)
class Segment:
    text: str  # a literal, or a label's name
    label: bool = False
    greedy: bool = False


@dataclass(frozen=True)
class Template:
    """A parsed `requestUri`: path segments and the literal query keys it names."""

    segments: tuple[Segment, ...]
    query: tuple[tuple[str, str | None], ...]

    @classmethod
    def parse(cls, uri: str) -> Template:
        path, _, qs = uri.partition("?")
        segments = tuple(_segment(part) for part in path.strip("/").split("/") if part)
        query = tuple((k, v or None) for k, v in parse_qsl(qs, keep_blank_values=True))
        return cls(segments, tuple(q for q in query if q[0] != "x-id"))

    @functools.cached_property  # matching asks on every request
    def greedy_at(self) -> int | None:
        """The index of the greedy (`{Key+}`) segment, if any."""
        return next((i for i, s in enumerate(self.segments) if s.greedy), None)

    @property
    def greedy(self) -> bool:
        return self.greedy_at is not None

    def match_path(self, raw_path: str) -> Labels | None:
        parts = raw_path.lstrip("/").split("/") if raw_path.strip("/") else []
        split = self.greedy_at
        if split is None and len(parts) == len(self.segments) + 1 and parts[-1] == "":
            parts = parts[:-1]  # `/bucket/` names the bucket
        if split is None:
            if len(parts) != len(self.segments):
                return None
            return self._match_parts(self.segments, parts)
        return self._match_greedy(split, parts)

    def _match_greedy(self, split: int, parts: list[str]) -> Labels | None:
        head, tail = self.segments[:split], self.segments[split + 1 :]
        if len(parts) < len(head) + len(tail) + 1:
            return None
        end = len(parts) - len(tail)
        labels = self._match_parts(head, parts[:split])
        rest = self._match_parts(tail, parts[end:])
        value = unquote("/".join(parts[split:end]))
        if labels is None or rest is None or not value:
            return None
        return {**labels, **rest, self.segments[split].text: value}

    @staticmethod
    def _match_parts(segments: tuple[Segment, ...], parts: list[str]) -> Labels | None:
        labels: Labels = {}
        for segment, raw in zip(segments, parts, strict=True):
            value = unquote(raw)
            if segment.label and value:
                labels[segment.text] = value
            elif segment.label or value != segment.text:
                return None
        return labels

    def match_query(self, query: Mapping[str, str]) -> bool:
        return all(k in query and (v is None or query[k] == v) for k, v in self.query)


def _segment(part: str) -> Segment:
    if part.startswith("{") and part.endswith("}"):
        name = part[1:-1]
        return Segment(name.rstrip("+"), label=True, greedy=name.endswith("+"))
    return Segment(part)


@dataclass(frozen=True)
class Route:
    op: OperationModel
    template: Template
    required_query: tuple[str, ...]
    required_headers: tuple[str, ...]
    index: int

    @classmethod
    def build(cls, op: OperationModel, index: int) -> Route:
        shape = op.input_shape
        members = shape.members if shape is not None else {}
        required = shape.required_members if shape is not None else []

        def wire_names(location: str) -> tuple[str, ...]:
            return tuple(
                members[n].serialization.get("name", n)
                for n in required
                if members[n].serialization.get("location") == location
            )

        return cls(
            op,
            Template.parse(op.http["requestUri"]),
            wire_names("querystring"),
            tuple(h.lower() for h in wire_names("header")),
            index,
        )

    def rank(self, req: HttpRequest, query: Mapping[str, str]) -> tuple[int, ...]:
        present = sum(q in query for q in self.required_query) + sum(
            req.header(h) is not None for h in self.required_headers
        )
        missing = len(self.required_query) + len(self.required_headers) - present
        return (
            len(self.template.query),
            present - missing,
            sum(1 for s in self.template.segments if not s.label),
            not self.template.greedy,
            not self.op.deprecated,
            -self.index,
        )

    def match(self, req: HttpRequest, query: Mapping[str, str]) -> Labels | None:
        if not self.template.match_query(query):
            return None
        # A subresource key (`?attributes`) names the operation on its own; a missing required
        # member is then the validator's to report. Without one, required members tell
        # PutObject, UploadPart, CopyObject and UploadPartCopy apart.
        if not self.template.query and not self._has_required(req, query):
            return None
        return self.template.match_path(req.raw_path)

    def _has_required(self, req: HttpRequest, query: Mapping[str, str]) -> bool:
        return all(q in query for q in self.required_query) and all(
            req.header(h) is not None for h in self.required_headers
        )


class Router:
    """Finds the operation a REST request names."""

    def __init__(self, model: ServiceModel) -> None:
        self._routes: dict[str, list[Route]] = {}
        for index, name in enumerate(model.operation_names):
            op = model.operation_model(name)
            self._routes.setdefault(op.http["method"].upper(), []).append(Route.build(op, index))

    def match(self, req: HttpRequest) -> tuple[OperationModel, Labels] | None:
        query = first_values(req)
        found = [
            (route, labels)
            for route in self._routes.get(req.method.upper(), [])
            if (labels := route.match(req, query)) is not None
        ]
        if not found:
            return None
        route, labels = max(found, key=lambda pair: pair[0].rank(req, query))
        return route.op, labels


def first_values(req: HttpRequest) -> dict[str, str]:
    query: dict[str, str] = {}
    for key, value in req.query:
        query.setdefault(key, value)
    return query


# --- request members outside the body -------------------------------------------------------


def parse_located(shape: StructureShape, req: HttpRequest, labels: Labels) -> dict[str, Any]:
    """Members whose location is the URI, the querystring or headers, typed by their shapes."""
    params: dict[str, Any] = {}
    query = req.query
    for name, member in shape.members.items():
        value = _located_value(member, name, req, labels, query)
        if value is not None:
            params[name] = value
    return params


def _located_value(
    member: Shape,
    name: str,
    req: HttpRequest,
    labels: Labels,
    query: list[tuple[str, str]],
) -> Any:
    location = member.serialization.get("location")
    wire = member.serialization.get("name", name)
    if location == "uri":
        raw = labels.get(wire)
        return None if raw is None else from_text(member, raw, "uri", name)
    if location == "querystring":
        return _query_value(member, name, wire, query)
    if location == "header":
        raw = req.header(wire)
        return None if raw is None else from_text(member, raw, "header", name)
    if location == "headers":
        return _header_map(wire.lower(), req)
    return None


def _query_value(member: Shape, name: str, wire: str, query: list[tuple[str, str]]) -> Any:
    if member.type_name == "map":
        return dict(query) or None
    values = [v for k, v in query if k == wire]
    if not values:
        return None
    if member.type_name == "list":
        item = member.member
        return [from_text(item, v, "querystring", name) for v in values]
    return from_text(member, values[0], "querystring", name)


def _header_map(prefix: str, req: HttpRequest) -> dict[str, str] | None:
    found = {k[len(prefix) :]: v for k, v in req.headers if k.lower().startswith(prefix)}
    return found or None


# --- response members outside the body ------------------------------------------------------


def has_body_members(shape: Shape) -> bool:
    """Whether a structure has members carried in the body (no location)."""
    members = getattr(shape, "members", {})
    return any("location" not in m.serialization for m in members.values())


def body_members(shape: StructureShape | None, result: Mapping[str, Any]) -> dict[str, Any]:
    """The result's members that belong in the body (no location), None dropped."""
    if shape is None:
        return {}
    return {
        name: value
        for name, value in result.items()
        if value is not None
        and name in shape.members
        and "location" not in shape.members[name].serialization
    }


def located_response(op: OperationModel, result: Mapping[str, Any]) -> HttpResponse:
    """Status and headers from the output's located members; the body is the codec's job."""
    response = HttpResponse(status=int(op.http.get("responseCode", 200)))
    shape = op.output_shape
    if shape is None:
        return response
    for name, member in shape.members.items():
        value = result.get(name)
        if value is not None:
            _put_located(response, member, name, value)
    return response


def _put_located(response: HttpResponse, member: Shape, name: str, value: Any) -> None:
    location = member.serialization.get("location")
    wire = member.serialization.get("name", name)
    if location == "statusCode":
        response.status = int(value)
    elif location == "header":
        text = to_header(member, value)
        if text is not None:
            response.set_header(wire, text)
    elif location == "headers":
        for key, item in value.items():
            response.set_header(wire + key, str(item))


# --- scalars as text (URI, querystring, header) ---------------------------------------------


def from_text(shape: Shape, text: str, location: str, path: str = "") -> Any:
    """A scalar (or a header's comma-separated list) read from its text form; timestamps
    default to RFC 822 in headers and ISO 8601 elsewhere, as botocore writes them."""
    path = path or shape.name
    if shape.type_name == "list":
        item = shape.member
        try:
            parts = split_header_list(text) if location == "header" else [text]
        except ValueError as exc:
            raise shapes.type_error(text, path, "list") from exc
        return [from_text(item, part, location, path) for part in parts]
    if shape.type_name == "string" and shape.serialization.get("jsonvalue"):
        return _json_header(text, path)
    default = shapes.RFC822 if location == "header" else shapes.ISO8601
    return shapes.parse_text_scalar(shape, text, path, default)


def _json_header(text: str, path: str) -> Any:
    try:
        return json.loads(base64.b64decode(text, validate=True))
    except ValueError as exc:
        raise shapes.type_error(text, path, "base64-encoded JSON") from exc


def parse_boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        raise ValueError(text)
    return lowered == "true"


def split_header_list(text: str) -> list[str]:
    """RFC 7230 list: commas separate items; double-quoted items may hold commas and `\\"`."""
    items: list[str] = []
    rest = text.strip()
    while rest:
        if rest.startswith('"'):
            item, rest = _quoted(rest)
        else:
            item, _, rest = rest.partition(",")
            item = item.strip()
        items.append(item)
        rest = rest.strip()
    return items


def _quoted(text: str) -> tuple[str, str]:
    out: list[str] = []
    i = 1
    while i < len(text) and text[i] != '"':
        if text[i] == "\\" and i + 1 < len(text):
            i += 1
        out.append(text[i])
        i += 1
    rest = text[i + 1 :].strip()
    if rest and not rest.startswith(","):
        raise ValueError(text)
    return "".join(out), rest[1:]


def to_header(shape: Shape, value: Any) -> str | None:
    if shape.type_name == "list":
        item = shape.member
        parts = [_list_item(item, v) for v in value if v is not None]
        return ",".join(parts) if parts else None
    if shape.type_name == "string" and shape.serialization.get("jsonvalue"):
        return base64.b64encode(json.dumps(value, separators=(",", ":")).encode()).decode()
    return shapes.format_text_scalar(shape, value, shapes.RFC822)


def _list_item(shape: Shape, value: Any) -> str:
    text = to_header(shape, value) or ""
    if shape.type_name == "string" and ('"' in text or "," in text):
        return '"' + text.replace('"', '\\"') + '"'
    return text


def decode_text(body: bytes, path: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise shapes.type_error("<binary>", path, "UTF-8 text") from exc


# --- payloads -------------------------------------------------------------------------------


def raw_payload(value: Any) -> bytes | Iterable[bytes]:
    """A blob or string payload as the response body; iterables pass through unread."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return _chunks(value)


def _chunks(value: Any) -> Iterable[bytes]:
    reader = getattr(value, "read", None)
    if reader is None:
        yield from value
        return
    while chunk := reader(1 << 20):
        yield chunk


EncodeStruct = Callable[[Shape, dict[str, Any]], bytes]


def event_stream(
    shape: Shape, events: Iterable[Mapping[str, Any]], encode: EncodeStruct, content_type: str
) -> Iterable[bytes]:
    """`application/vnd.amazon.eventstream` messages, one per `{EventName: members}` given."""
    for event in events:
        for name, members in event.items():
            member = shape.members[name]
            yield _event_message(name, member, members, encode, content_type)


def _event_message(
    name: str, shape: Shape, members: dict[str, Any], encode: EncodeStruct, content_type: str
) -> bytes:
    kind = "exception" if shape.metadata.get("exception") else "event"
    headers = {":message-type": kind, f":{kind}-type": name}
    payload, payload_type = _event_payload(shape, members, encode, content_type)
    if payload_type:
        headers[":content-type"] = payload_type
    for member_name, member in shape.members.items():
        if member.serialization.get("eventheader") and members.get(member_name) is not None:
            headers[member_name] = str(members[member_name])
    return _frame(headers, payload)


def _event_payload(
    shape: Shape, members: dict[str, Any], encode: EncodeStruct, content_type: str
) -> tuple[bytes, str]:
    for member_name, member in shape.members.items():
        if not member.serialization.get("eventpayload"):
            continue
        value = members.get(member_name)
        if member.type_name == "blob":
            return bytes(value or b""), "application/octet-stream"
        if member.type_name == "string":
            return (value or "").encode("utf-8"), "text/plain"
        return encode(member, value or {}), content_type
    body = {
        n: v
        for n, v in members.items()
        if v is not None and not shape.members[n].serialization.get("eventheader")
    }
    return (encode(shape, body), content_type) if body else (b"", "")


def _frame(headers: Mapping[str, str], payload: bytes) -> bytes:
    encoded = b"".join(_event_header(k, v) for k, v in headers.items())
    total = 12 + len(encoded) + len(payload) + 4
    prelude = struct.pack(">II", total, len(encoded))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + encoded + payload
    return message + struct.pack(">I", zlib.crc32(message))


def _event_header(name: str, value: str) -> bytes:
    key, text = name.encode(), value.encode()
    string_type = b"\x07"
    return struct.pack("B", len(key)) + key + string_type + struct.pack(">H", len(text)) + text
