"""IAM's errors, with the statuses the query protocol gives them (contracts §4.1)."""

from __future__ import annotations

from sagelab.gateway.errors import ClientError


class NoSuchEntity(ClientError):
    code = "NoSuchEntity"
    status = 404


class EntityAlreadyExists(ClientError):
    code = "EntityAlreadyExists"
    status = 409


class InvalidInput(ClientError):
    code = "InvalidInput"
    status = 400


class IamValidationError(ClientError):
    code = "ValidationError"
    status = 400


class DeleteConflict(ClientError):
    code = "DeleteConflict"
    status = 409


class LimitExceeded(ClientError):
    code = "LimitExceeded"
    status = 409


class MalformedPolicyDocument(ClientError):
    code = "MalformedPolicyDocument"
    status = 400


class PasswordPolicyViolation(ClientError):
    code = "PasswordPolicyViolation"
    status = 400


class InvalidUserType(ClientError):
    code = "InvalidUserType"
    status = 400
