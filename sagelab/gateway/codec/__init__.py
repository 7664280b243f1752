"""One codec per protocol, each driven only by botocore's model.

A codec finds the operation a request names, parses the request into the params dict botocore
would have serialized, and serializes a result dict or a ServiceError into the wire form that
botocore parses back. `codec_for(model)` picks by the model's protocol.
"""

from __future__ import annotations

from typing import Any, Protocol

from botocore.model import OperationModel, ServiceModel

from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import ServiceError
from sagelab.gateway.http import HttpRequest, HttpResponse


class Codec(Protocol):
    model: ServiceModel

    def match_operation(self, req: HttpRequest) -> tuple[OperationModel, dict[str, str]]:
        """The operation and the URI labels (rest protocols) the request names.
        Unknown → ServiceError (e.g. `InvalidAction`, `UnknownOperationException`)."""
        ...

    def parse(
        self, op: OperationModel, req: HttpRequest, uri_params: dict[str, str]
    ) -> dict[str, Any]:
        """Params keyed by input member names, as botocore's client would have passed them.
        A streaming blob payload (S3 PutObject Body) is left as `req.body_reader`."""
        ...

    def serialize(
        self, op: OperationModel, result: dict[str, Any], ctx: RequestContext
    ) -> HttpResponse: ...

    def serialize_error(
        self, err: ServiceError, ctx: RequestContext, op: OperationModel | None
    ) -> HttpResponse: ...


def codec_for(model: ServiceModel) -> Codec:
    from sagelab.gateway.codec.json import JsonCodec
    from sagelab.gateway.codec.query import QueryCodec
    from sagelab.gateway.codec.rest_json import RestJsonCodec
    from sagelab.gateway.codec.rest_xml import RestXmlCodec
    from sagelab.gateway.models import protocol

    table: dict[str, type[Codec]] = {
        "json": JsonCodec,
        "query": QueryCodec,
        "rest-json": RestJsonCodec,
        "rest-xml": RestXmlCodec,
    }
    return table[protocol(model)](model)  # type: ignore[call-arg]
