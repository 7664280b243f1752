"""Hypothesis strategies that draw values for botocore shapes.

`params_for(shape)` draws what a botocore client accepts as input (it passes botocore's own
`ParamValidator`); `output_for(shape)` draws what a service may answer, in a form that
survives every wire format botocore parses (text safe in XML, timestamps at whole seconds or
milliseconds, no event streams). Recursive shapes stop growing at `max_depth`.

`botocore_request(...)` turns a params dict into the `HttpRequest` botocore would have sent;
`botocore_parse(...)` reads an `HttpResponse` with botocore's own response parser;
`serve_client(...)` answers a real boto3 client's requests with a codec, in process;
`operations(...)` and `FEW_EXAMPLES` size the per-operation round-trip tests.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import botocore.awsrequest
import botocore.parsers
import botocore.serialize
import pytest
from botocore.model import OperationModel, Shape
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from sagelab.gateway.codec import Codec
from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import ServiceError
from sagelab.gateway.http import BytesReader, HttpRequest, HttpResponse
from sagelab.gateway.models import service_model

MAX_DEPTH = 4
MAX_ITEMS = 3
MAX_TEXT = 12

_INT_RANGE = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
# XML 1.0 cannot carry most control characters, and parsers turn \r into \n: leave them out
# of everything, so one strategy suits every protocol's body.
_BODY_TEXT = st.characters(blacklist_categories=("Cc", "Cs"))
_HEADER_TEXT = st.sampled_from(string.ascii_letters + string.digits + "-_.:/=+;!~*'()")
_HEADER_KEY = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8)
_HOST_LABEL = st.text(string.ascii_letters + string.digits, min_size=1, max_size=MAX_TEXT)
_TIMESTAMPS = st.datetimes(
    min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2099, 12, 31)
).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000, tzinfo=dt.UTC))


FEW_EXAMPLES = settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    # A codec bug fails hundreds of operations at once: report, do not shrink each one.
    phases=(Phase.explicit, Phase.generate),
)


def operations(services: tuple[str, ...], shape: str) -> list[Any]:
    """pytest params, one per operation having `shape` ("input_shape"/"output_shape");
    event-stream responses (Logs StartLiveTail, GetLogObject) are framed otherwise: left out."""
    cases = []
    for service in services:
        model = service_model(service)
        for name in model.operation_names:
            op = model.operation_model(name)
            if getattr(op, shape) is not None and not op.has_event_stream_output:
                cases.append(pytest.param(op, id=f"{service}.{name}"))
    return cases


def params_for(shape: Shape, *, max_depth: int = MAX_DEPTH) -> SearchStrategy[dict[str, Any]]:
    """Input params for a structure shape, as a boto3 caller would pass them."""
    return _Drawer(output=False, max_depth=max_depth).structure(shape, 0)


def output_for(shape: Shape, *, max_depth: int = MAX_DEPTH) -> SearchStrategy[dict[str, Any]]:
    """A result dict for an output structure shape that botocore's parsers read back equal."""
    return _Drawer(output=True, max_depth=max_depth).structure(shape, 0)


def botocore_request(
    protocol: str, op: OperationModel, params: dict[str, Any], endpoint: str = "http://sagelab"
) -> HttpRequest:
    """The request botocore's serializer and `AWSRequest` make of `params`, as our gateway
    would see it (the body already encoded the way botocore sends it)."""
    serializer = botocore.serialize.create_serializer(protocol, include_validation=True)
    request_dict = serializer.serialize_to_request(params, op)
    url = endpoint + request_dict["url_path"]
    prepared = botocore.awsrequest.AWSRequest(
        method=request_dict["method"],
        url=url,
        data=request_dict["body"],
        headers=request_dict["headers"],
        params=request_dict["query_string"],
    ).prepare()
    parts = urlsplit(prepared.url)
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    return HttpRequest(
        method=prepared.method,
        raw_path=parts.path,
        query_string=parts.query,
        headers=[(k.lower(), v) for k, v in prepared.headers.items()],
        host=parts.netloc,
        body_reader=BytesReader(body),
    )


def botocore_parse(protocol: str, op: OperationModel, resp: HttpResponse) -> dict[str, Any]:
    """What botocore's parser makes of our response (errors included, under `Error`)."""
    headers = botocore.awsrequest.HeadersDict()
    for name, value in resp.headers:
        headers[name] = value
    response = {"status_code": resp.status, "headers": headers, "body": b"".join(resp.iter_body())}
    parsed: dict[str, Any] = botocore.parsers.create_parser(protocol).parse(
        response, op.output_shape
    )
    return parsed


Handler = Callable[[str, dict[str, Any]], dict[str, Any]]


def serve_client(client: Any, codec: Codec, handler: Handler) -> None:
    """Answer every request `client` sends with `codec` around `handler(operation, params)`
    (which may raise ServiceError), without a network: botocore's `before-send` hook."""

    def before_send(request: Any, **_: Any) -> botocore.awsrequest.AWSResponse:
        req = _from_prepared(request)
        ctx = RequestContext(request_id="req-1")
        op = None
        try:
            op, labels = codec.match_operation(req)
            resp = codec.serialize(op, handler(op.name, codec.parse(op, req, labels)), ctx)
        except ServiceError as err:
            resp = codec.serialize_error(err, ctx, op)
        return botocore.awsrequest.AWSResponse(
            request.url, resp.status, resp.headers, _Raw(b"".join(resp.iter_body()))
        )

    client.meta.events.register("before-send", before_send)


def _from_prepared(request: Any) -> HttpRequest:
    parts = urlsplit(request.url)
    body = request.body or b""
    headers = [
        (k.lower(), v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()
    ]
    return HttpRequest(
        method=request.method,
        raw_path=parts.path,
        query_string=parts.query,
        headers=headers,
        body_reader=BytesReader(body.encode() if isinstance(body, str) else body),
    )


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


class _Drawer:
    def __init__(self, *, output: bool, max_depth: int) -> None:
        self.output = output
        self.max_depth = max_depth

    def value(self, shape: Shape, depth: int, where: str = "body") -> SearchStrategy[Any]:
        kind = shape.type_name
        if kind == "structure":
            return st.deferred(lambda: self.structure(shape, depth))
        if kind == "list":
            return self._list(shape, depth, where)
        if kind == "map":
            return self._map(shape, depth, where)
        return self._scalar(shape, where)

    def structure(self, shape: Shape, depth: int) -> SearchStrategy[dict[str, Any]]:
        if getattr(shape, "is_document_type", False):
            return st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5))
        members = {n: m for n, m in shape.members.items() if self._drawable(m)}
        if shape.is_tagged_union:
            return self._union(members, depth)
        required = set(shape.required_members)
        deep = depth >= self.max_depth
        fixed = {n: self._member(m, depth) for n, m in members.items() if n in required}
        optional = {
            n: self._member(m, depth) for n, m in members.items() if n not in required and not deep
        }
        return st.fixed_dictionaries(fixed, optional=optional)

    def _union(self, members: dict[str, Shape], depth: int) -> SearchStrategy[dict[str, Any]]:
        if depth >= self.max_depth:
            scalars = {n: m for n, m in members.items() if m.type_name not in _CONTAINERS}
            members = scalars or members
        names = sorted(members)
        return st.sampled_from(names).flatmap(
            lambda n: self._member(members[n], depth).map(lambda v: {n: v})
        )

    def _member(self, shape: Shape, depth: int) -> SearchStrategy[Any]:
        where = shape.serialization.get("location") or "body"
        if shape.serialization.get("hostLabel"):
            return _HOST_LABEL
        return self.value(shape, depth + 1, where)

    def _drawable(self, shape: Shape) -> bool:
        return not shape.serialization.get("eventstream")

    def _list(self, shape: Shape, depth: int, where: str) -> SearchStrategy[list[Any]]:
        low, high = _sizes(shape, depth >= self.max_depth)
        item_where = "header" if where == "header" else "body"
        items = self.value(shape.member, depth + 1, item_where)
        return st.lists(items, min_size=low, max_size=high)

    def _map(self, shape: Shape, depth: int, where: str) -> SearchStrategy[dict[Any, Any]]:
        low, high = _sizes(shape, depth >= self.max_depth)
        if where == "headers":
            keys: SearchStrategy[Any] = _HEADER_KEY
            values = self.value(shape.value, depth + 1, "header")
        else:
            keys = self._scalar(shape.key, "body")
            values = self.value(shape.value, depth + 1, "body")
        return st.dictionaries(keys, values, min_size=low, max_size=high)

    def _scalar(self, shape: Shape, where: str) -> SearchStrategy[Any]:
        kind = shape.type_name
        if kind == "string":
            return _string(shape, where)
        if kind in _INT_RANGE:
            return self._integer(shape, where)
        if kind in ("float", "double"):
            low, high = shape.metadata.get("min"), shape.metadata.get("max")
            return st.floats(low, high, allow_nan=False, allow_infinity=False)
        if kind == "boolean":
            return st.booleans()
        if kind == "timestamp":
            return _TIMESTAMPS
        if kind == "blob":
            return st.binary(max_size=MAX_TEXT)
        raise NotImplementedError(f"no strategy for shape type {kind!r}")

    def _integer(self, shape: Shape, where: str) -> SearchStrategy[int]:
        if where == "statusCode":
            return st.integers(200, 299)
        low, high = _INT_RANGE[shape.type_name]
        return st.integers(shape.metadata.get("min", low), shape.metadata.get("max", high))


_CONTAINERS = ("structure", "list", "map")


def _sizes(shape: Shape, deep: bool) -> tuple[int, int]:
    low = int(shape.metadata.get("min", 0))
    high = max(low, min(int(shape.metadata.get("max", MAX_ITEMS)), MAX_ITEMS))
    return low, low if deep else high


def _string(shape: Shape, where: str) -> SearchStrategy[str]:
    if shape.enum:
        return st.sampled_from(shape.enum)
    low = int(shape.metadata.get("min", 0))
    high = max(low, min(int(shape.metadata.get("max", MAX_TEXT)), MAX_TEXT))
    if where in ("header", "headers"):
        # Headers lose surrounding whitespace and cannot be empty; commas split header lists.
        return st.text(_HEADER_TEXT, min_size=max(low, 1), max_size=max(high, 1))
    if where == "uri":
        text = st.text(_BODY_TEXT, min_size=max(low, 1), max_size=max(high, 1))
        return text.filter(lambda s: s not in (".", ".."))
    return st.text(_BODY_TEXT, min_size=low, max_size=high)


__all__ = ["botocore_request", "output_for", "params_for"]
