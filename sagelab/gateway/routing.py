"""Which service a request is for, when every client targets one host:port.

Order (reference/contracts.md §4.2): the SigV4 credential scope, then `X-Amz-Target`, then
the query protocol's `Action`/`Version`, then S3 as the fallback. `sagemaker-runtime` signs
as `sagemaker`; its requests are `POST /endpoints/<name>/invocations` with no target header.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import parse_qsl

from sagelab.gateway.http import HttpRequest
from sagelab.gateway.models import SERVICES, service_model
from sagelab.gateway.sigv4 import signing_scope

# Signing names that differ from botocore's service names.
_SIGNING_ALIASES = {"monitoring": "cloudwatch"}


@cache
def _target_prefixes() -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for name in SERVICES:
        prefix = service_model(name).metadata.get("targetPrefix")
        if prefix:
            prefixes[prefix] = name
    return prefixes


@cache
def _query_versions() -> dict[str, str]:
    return {
        service_model(name).api_version: name
        for name in SERVICES
        if service_model(name).metadata["protocol"] == "query"
    }


def _is_runtime_path(req: HttpRequest) -> bool:
    return req.raw_path.startswith("/endpoints/") and req.header("x-amz-target") is None


def _from_target(req: HttpRequest) -> str | None:
    target = req.header("x-amz-target")
    if not target:
        return None
    return _target_prefixes().get(target.split(".", 1)[0])


def _from_form(req: HttpRequest, body: bytes | None) -> str | None:
    ctype = req.header("content-type", "") or ""
    pairs = parse_qsl(req.query_string)
    if body is not None and ctype.startswith("application/x-www-form-urlencoded"):
        pairs += parse_qsl(body.decode("utf-8", "replace"))
    params = dict(pairs)
    if "Action" in params and "Version" in params:
        return _query_versions().get(params["Version"])
    return None


def route_service(req: HttpRequest, body: bytes | None) -> str:
    """The botocore service name the request is for. `body` is the buffered body when the
    caller has already read it (non-S3 requests), else None."""
    scope = signing_scope(req)
    if scope is not None:
        signing = _SIGNING_ALIASES.get(scope[0], scope[0])
        if signing == "sagemaker" and _is_runtime_path(req):
            return "sagemaker-runtime"
        if signing in SERVICES:
            return signing
    return (
        _from_target(req)
        or _from_form(req, body)
        or ("sagemaker-runtime" if _is_runtime_path(req) else "s3")
    )


def is_probably_s3(req: HttpRequest) -> bool:
    """Decided before the body is read: S3 bodies stream and must not be buffered."""
    scope = signing_scope(req)
    if scope is not None:
        return scope[0] == "s3"
    if req.header("x-amz-target") or _is_runtime_path(req):
        return False
    ctype = req.header("content-type", "") or ""
    return not (req.method == "POST" and ctype.startswith("application/x-www-form-urlencoded"))
