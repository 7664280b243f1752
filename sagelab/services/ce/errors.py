"""Cost Explorer's errors (JSON 1.1)."""

from __future__ import annotations

from sagelab.gateway.errors import AccessDenied, ClientError, ValidationError


class CeValidation(ValidationError):
    code = "ValidationException"


class InvalidNextToken(ClientError):
    code = "InvalidNextTokenException"


class BillingAccessDenied(AccessDenied):
    code = "AccessDeniedException"
    status = 400
