"""SageMaker's errors (json protocol, all 400)."""

from __future__ import annotations

from sagelab.gateway.errors import ClientError


class SageMakerValidation(ClientError):
    code = "ValidationException"


class ResourceInUse(ClientError):
    code = "ResourceInUse"


class ResourceNotFound(ClientError):
    code = "ResourceNotFound"
