"""sagemaker-runtime operations (rest-json; signed as `sagemaker`)."""

from __future__ import annotations

from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import ClientError, NotImplementedByUs
from sagelab.services.base import ServiceApi
from sagelab.services.sagemaker import resources

# An endpoint answers while it serves; Updating keeps the old variant serving.
_SERVING = ("InService", "Updating")


class EndpointNotFound(ClientError):
    code = "ValidationError"

    def __init__(self, name: str, account: str) -> None:
        super().__init__(message=f"Endpoint {name} of account {account} not found.")


class RuntimeApi(ServiceApi):
    service_name = "sagemaker-runtime"

    def invoke_endpoint(
        self,
        ctx: RequestContext,
        *,
        endpoint_name: str,
        body: bytes | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        custom_attributes: str | None = None,
    ) -> dict[str, Any]:
        where = resources.Scope("endpoint", ctx.account_id, ctx.region)
        with self.deps.meta.connect() as conn:
            endpoint = resources.find(conn, where, endpoint_name)
        if endpoint is None or endpoint.status not in _SERVING:
            raise EndpointNotFound(endpoint_name, ctx.account_id)
        raise NotImplementedByUs(message="InvokeEndpoint is not implemented by sagelab yet")
