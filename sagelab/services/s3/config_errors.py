"""The errors of bucket subresources (tagging, policy, CORS, lifecycle, encryption), worded as
S3 words them. Object and bucket errors live in `errors.py`."""

from __future__ import annotations

from sagelab.gateway.errors import ClientError, ServiceError


class _Missing(ClientError):
    """A Get of a subresource the bucket does not have: 404 naming the bucket."""

    status = 404
    text = ""

    def __init__(self, bucket: str) -> None:
        super().__init__(message=self.text, BucketName=bucket)


class NoSuchTagSet(_Missing):
    code = "NoSuchTagSet"
    text = "The TagSet does not exist"


class NoSuchBucketPolicy(_Missing):
    code = "NoSuchBucketPolicy"
    text = "The bucket policy does not exist"


class NoSuchCORSConfiguration(_Missing):
    code = "NoSuchCORSConfiguration"
    text = "The CORS configuration does not exist"


class NoSuchLifecycleConfiguration(_Missing):
    code = "NoSuchLifecycleConfiguration"
    text = "The lifecycle configuration does not exist"


class OwnershipControlsNotFound(_Missing):
    code = "OwnershipControlsNotFoundError"
    text = "The bucket ownership controls were not found"


class NoSuchPublicAccessBlockConfiguration(_Missing):
    code = "NoSuchPublicAccessBlockConfiguration"
    text = "The public access block configuration was not found"


class MalformedPolicy(ClientError):
    code = "MalformedPolicy"

    def __init__(self, message: str) -> None:
        super().__init__(message=message)


class InvalidTag(ClientError):
    code = "InvalidTag"

    def __init__(self, message: str) -> None:
        super().__init__(message=message)


def invalid_argument(
    message: str, name: str | None = None, value: str | None = None
) -> ClientError:
    return ClientError("InvalidArgument", message, ArgumentName=name, ArgumentValue=value)


def invalid_request(message: str) -> ClientError:
    return ClientError("InvalidRequest", message)


class CorsForbidden(ServiceError):
    """A browser's preflight (or CORS-less bucket) refused: S3 answers 403 AccessForbidden."""

    code = "AccessForbidden"
    status = 403

    def __init__(self, reason: str, method: str) -> None:
        super().__init__(message=f"CORSResponse: {reason}", Method=method, ResourceType="OBJECT")
