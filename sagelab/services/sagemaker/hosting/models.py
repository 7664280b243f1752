"""Models: a container (or a pipeline of containers, run in sequence) and the artifact each
serves. Every container must name a built-in algorithm's image; framework and custom images
answer 501 naming the image's repository.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection

from sagelab import arns
from sagelab.algorithms import registry
from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.sagemaker import images, resources
from sagelab.services.sagemaker.errors import SageMakerValidation
from sagelab.services.sagemaker.hosting import MODEL
from sagelab.services.sagemaker.training.validation import refuse_unbuilt

_UNBUILT_CONTAINER = ("ModelPackageName", "InferenceSpecificationName", "MultiModelConfig")


def find_model(conn: Connection, where: resources.Scope, name: str) -> dict[str, Any] | None:
    """The model's Describe document, or None. `where` is `scope(MODEL, account, region)`."""
    found = resources.find(conn, where, name)
    return None if found is None else found.doc


def arn(account: str, region: str, name: str) -> str:
    return arns.sagemaker(region, account, MODEL, name)


def serving_algorithm(image_uri: str) -> str:
    """The built-in algorithm an inference image runs; other images are not built yet."""
    image = images.parse(image_uri)
    if image is None:
        raise SageMakerValidation(
            message=f"The image '{image_uri}' does not exist or is not a SageMaker image "
            "sagelab knows. Use an image URI from sagemaker.image_uris.retrieve(...)."
        )
    if image.algorithm is None or image.algorithm not in registry.names():
        kind = "built-in algorithm" if image.algorithm else "framework or custom"
        raise NotImplementedByUs(
            message=f"Serving the {kind} image '{image_uri}' (repository {image.repository}) "
            "is not implemented by sagelab yet."
        )
    return image.algorithm


def containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The model's containers in the order a request passes through them."""
    return list(doc.get("Containers") or [doc["PrimaryContainer"]])


def _check_container(container: dict[str, Any]) -> None:
    refuse_unbuilt(container, _UNBUILT_CONTAINER, "ContainerDefinition")
    if container.get("Mode", "SingleModel") != "SingleModel":
        raise NotImplementedByUs(message="Multi-model endpoints are not implemented by sagelab yet")
    if not container.get("Image"):
        raise SageMakerValidation(message="Image must be specified in every ContainerDefinition.")
    serving_algorithm(container["Image"])
    url = container.get("ModelDataUrl")
    if url is not None and not url.startswith(("s3://", "https://")):
        raise SageMakerValidation(
            message=f"ModelDataUrl {url} is not a valid S3 URI (s3://bucket/key)."
        )


def new_document(request: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    primary, pipeline = request.get("PrimaryContainer"), request.get("Containers")
    if bool(primary) == bool(pipeline):
        raise SageMakerValidation(
            message="Exactly one of PrimaryContainer or Containers must be specified."
        )
    for container in pipeline or [primary]:
        _check_container(container)
    doc = {
        "ModelName": request["ModelName"],
        "ModelArn": arn(account, region, request["ModelName"]),
        "ExecutionRoleArn": request["ExecutionRoleArn"],
        "CreationTime": time.time(),
        "EnableNetworkIsolation": bool(request.get("EnableNetworkIsolation")),
    }
    doc.update({k: request[k] for k in ("PrimaryContainer", "Containers") if request.get(k)})
    return doc
