"""Errors as AWS answers them, drawn once as a tree.

    ServiceError                 any error a client sees; code, message, HTTP status
    ├── ClientError              sender's fault (4xx)
    │   ├── ValidationError      the request breaks a model constraint (code per protocol)
    │   ├── AuthError            authentication failed (code per protocol, see sigv4)
    │   ├── AccessDenied         authorization refused (code per protocol)
    │   └── NotImplementedByUs   501: an operation or parameter sagelab does not build
    └── InternalError            500: an unexpected exception; the traceback goes to the log

Services raise `ServiceError(code, message, status)` directly or subclass it in their own
`errors.py`; codecs turn any of them into the protocol's wire form. `fields` carries extra
members of the error shape (S3's `Resource`, `BucketName`; runtime's `OriginalStatusCode`).
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    code: str = "ServiceError"
    status: int = 400
    sender_fault: bool = True

    def __init__(
        self,
        code: str | None = None,
        message: str = "",
        status: int | None = None,
        *,
        sender_fault: bool | None = None,
        headers: dict[str, str] | None = None,
        **fields: Any,
    ) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        if sender_fault is not None:
            self.sender_fault = sender_fault
        self.message = message
        self.headers = dict(headers or {})
        self.fields = fields

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r}, {self.status})"


class ClientError(ServiceError):
    status = 400


class ValidationError(ClientError):
    """A model constraint broken. JSON services say `ValidationException`, query ones
    `ValidationError`, S3 its own codes (`InvalidArgument`...); the codec picks."""

    code = "ValidationException"


class AuthError(ClientError):
    status = 403


class AccessDenied(ClientError):
    code = "AccessDenied"
    status = 403


class NotImplementedByUs(ServiceError):
    code = "NotImplemented"
    status = 501
    sender_fault = False


class InternalError(ServiceError):
    code = "InternalError"
    status = 500
    sender_fault = False
