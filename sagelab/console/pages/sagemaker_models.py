"""Inference: models and endpoint configurations (lists, details, delete) and batch
transform jobs (list, detail)."""

from __future__ import annotations

from starlette.responses import Response

from sagelab.console.pagekit import Crumb, PageContext, page, url
from sagelab.console.pages.sagemaker import (
    BASE,
    Column,
    Listing,
    crumbs,
    enum,
    listing_routes,
    render,
)

CREATED = Column("Creation time", "CreationTime", "when")
MODELS = Listing(
    title="Models",
    path=BASE + "/models",
    operation="ListModels",
    items="Models",
    name_key="ModelName",
    columns=(Column("Name", "ModelName", "link"), Column("ARN", "ModelArn"), CREATED),
    delete="DeleteModel",
)
CONFIGS = Listing(
    title="Endpoint configurations",
    path=BASE + "/endpoint-configs",
    operation="ListEndpointConfigs",
    items="EndpointConfigs",
    name_key="EndpointConfigName",
    columns=(
        Column("Name", "EndpointConfigName", "link"),
        Column("ARN", "EndpointConfigArn"),
        CREATED,
    ),
    delete="DeleteEndpointConfig",
)
TRANSFORMS = Listing(
    title="Batch transform jobs",
    path=BASE + "/transform-jobs",
    operation="ListTransformJobs",
    items="TransformJobSummaries",
    name_key="TransformJobName",
    columns=(
        Column("Name", "TransformJobName", "link"),
        CREATED,
        Column("Status", "TransformJobStatus", "badge"),
    ),
    statuses=tuple(enum("TransformJobStatus")),
)


def _detail(pc: PageContext, listing: Listing, operation: str, template: str) -> Response:
    name = pc.path_param("name")
    found = pc.call("sagemaker", operation, **{listing.name_key: name})
    return render(
        pc,
        template,
        title=name,
        crumbs=crumbs(Crumb(listing.title, url(listing.path)), Crumb(name)),
        item=found,
    )


@page(MODELS.path + "/{name}")
def model_detail(pc: PageContext) -> Response:
    return _detail(pc, MODELS, "DescribeModel", "model_detail.html")


@page(CONFIGS.path + "/{name}")
def endpoint_config_detail(pc: PageContext) -> Response:
    return _detail(pc, CONFIGS, "DescribeEndpointConfig", "endpoint_config_detail.html")


@page(TRANSFORMS.path + "/{name}")
def transform_job_detail(pc: PageContext) -> Response:
    return _detail(pc, TRANSFORMS, "DescribeTransformJob", "transform_detail.html")


ROUTES = [
    *listing_routes(MODELS, "models"),
    *listing_routes(CONFIGS, "endpoint_configs"),
    *listing_routes(TRANSFORMS, "transforms"),
    model_detail,
    endpoint_config_detail,
    transform_job_detail,
]
