"""CloudWatch Logs' errors (json protocol, all 400)."""

from __future__ import annotations

from sagelab.gateway.errors import ClientError


class ResourceAlreadyExists(ClientError):
    code = "ResourceAlreadyExistsException"


class ResourceNotFound(ClientError):
    code = "ResourceNotFoundException"


class InvalidParameter(ClientError):
    code = "InvalidParameterException"
