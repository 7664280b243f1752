"""Endpoints: the list with statuses, and an endpoint's page: its variants and instances,
the "Test inference" box (InvokeEndpoint as the signed-in principal), invocation and latency
charts of `AWS/SageMaker`, delete."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.responses import Response

from sagelab.console.pagekit import Crumb, PageContext, page, url
from sagelab.console.pages.sagemaker import BASE, Column, Listing, crumbs, listing_routes, render
from sagelab.console.pages.sagemaker_charts import Series, charts
from sagelab.gateway.errors import ServiceError

PATH = BASE + "/endpoints"
TITLE = "Endpoints"
NAMESPACE = "AWS/SageMaker"
CHART_HOURS = 3
CONTENT_TYPES = (
    "text/csv",
    "application/json",
    "application/x-recordio-protobuf",
    "application/jsonlines",
    "text/plain",
)
# (chart title, metric, statistic) per variant, as the endpoint's Monitor tab shows them.
METRICS = (
    ("Invocations", "Invocations", "Sum"),
    ("Model latency (microseconds)", "ModelLatency", "Average"),
    ("Overhead latency (microseconds)", "OverheadLatency", "Average"),
)
LISTING = Listing(
    title=TITLE,
    path=PATH,
    operation="ListEndpoints",
    items="Endpoints",
    name_key="EndpointName",
    columns=(
        Column("Name", "EndpointName", "link"),
        Column("ARN", "EndpointArn"),
        Column("Creation time", "CreationTime", "when"),
        Column("Status", "EndpointStatus", "badge"),
        Column("Last updated", "LastModifiedTime", "when"),
    ),
    delete="DeleteEndpoint",
)


def _series(endpoint: dict[str, Any]) -> list[Series]:
    variants = [v["VariantName"] for v in endpoint.get("ProductionVariants", [])]
    return [
        Series(
            f"{title} - {variant}",
            NAMESPACE,
            metric,
            {"EndpointName": endpoint["EndpointName"], "VariantName": variant},
            stat,
        )
        for variant in variants
        for title, metric, stat in METRICS
    ]


def _answer_text(body: Any) -> str:
    data = body if isinstance(body, bytes) else b"".join(body)
    return data.decode("utf-8", "replace")


def _invoke(pc: PageContext, name: str) -> dict[str, Any]:
    """The Test inference box's request and what the endpoint answered (or the error)."""
    content_type = pc.field("content_type", CONTENT_TYPES[0])
    request = {"content_type": content_type, "body": pc.field("body")}
    try:
        result = pc.call(
            "sagemaker-runtime",
            "InvokeEndpoint",
            EndpointName=name,
            ContentType=content_type,
            Body=request["body"].encode(),
        )
    except ServiceError as err:
        return {**request, "error": err}
    return {
        **request,
        "answer": _answer_text(result["Body"]),
        "answer_type": result.get("ContentType"),
        "variant": result.get("InvokedProductionVariant"),
    }


def _show(pc: PageContext, test: dict[str, Any] | None = None) -> Response:
    endpoint = pc.call("sagemaker", "DescribeEndpoint", EndpointName=pc.path_param("name"))
    name = endpoint["EndpointName"]
    config = pc.call(
        "sagemaker", "DescribeEndpointConfig", EndpointConfigName=endpoint["EndpointConfigName"]
    )
    end = dt.datetime.now(dt.UTC)
    return render(
        pc,
        "endpoint_detail.html",
        title=name,
        crumbs=crumbs(Crumb(TITLE, url(PATH)), Crumb(name)),
        endpoint=endpoint,
        endpoint_url=pc.endpoint_url,
        variants=config.get("ProductionVariants", []),
        live={v["VariantName"]: v for v in endpoint.get("ProductionVariants", [])},
        charts=charts(pc, _series(endpoint), end - dt.timedelta(hours=CHART_HOURS), end),
        content_types=[(t, t) for t in CONTENT_TYPES],
        test=test or {"content_type": CONTENT_TYPES[0], "body": ""},
    )


@page(PATH + "/{name}")
def endpoint_detail(pc: PageContext) -> Response:
    return _show(pc)


@page(PATH + "/{name}/invoke", methods=("POST",))
def endpoint_invoke(pc: PageContext) -> Response:
    return _show(pc, _invoke(pc, pc.path_param("name")))


ROUTES = [*listing_routes(LISTING, "endpoints"), endpoint_detail, endpoint_invoke]
