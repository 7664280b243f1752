"""CloudWatch's errors (json 1.0, query-compatible codes: the codec maps them to shapes)."""

from __future__ import annotations

from sagelab.gateway.errors import ClientError


class InvalidParameterValue(ClientError):
    code = "InvalidParameterValue"


class InvalidParameterCombination(ClientError):
    code = "InvalidParameterCombination"


class MissingParameter(ClientError):
    code = "MissingParameter"


class InvalidNextToken(ClientError):
    code = "InvalidNextToken"
