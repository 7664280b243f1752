"""S3's errors, worded as AWS words them; extra fields become elements of `<Error>`."""

from __future__ import annotations

from sagelab.gateway.errors import AccessDenied, ClientError, ServiceError


class NoSuchBucket(ClientError):
    code = "NoSuchBucket"
    status = 404

    def __init__(self, bucket: str) -> None:
        super().__init__(message="The specified bucket does not exist", BucketName=bucket)


class NoSuchKey(ClientError):
    code = "NoSuchKey"
    status = 404

    def __init__(self, key: str) -> None:
        super().__init__(message="The specified key does not exist.", Key=key)


class NoSuchVersion(ClientError):
    code = "NoSuchVersion"
    status = 404

    def __init__(self, key: str, version_id: str) -> None:
        super().__init__(
            message="The specified version does not exist.", Key=key, VersionId=version_id
        )


class InvalidBucketName(ClientError):
    code = "InvalidBucketName"

    def __init__(self, bucket: str) -> None:
        super().__init__(message="The specified bucket is not valid.", BucketName=bucket)


class BucketAlreadyOwnedByYou(ClientError):
    code = "BucketAlreadyOwnedByYou"
    status = 409

    def __init__(self, bucket: str) -> None:
        super().__init__(
            message="Your previous request to create the named bucket succeeded and you "
            "already own it.",
            BucketName=bucket,
        )


class BucketAlreadyExists(ClientError):
    code = "BucketAlreadyExists"
    status = 409

    def __init__(self, bucket: str) -> None:
        super().__init__(
            message="The requested bucket name is not available. The bucket namespace is "
            "shared by all users of the system. Please select a different name and try again.",
            BucketName=bucket,
        )


class BucketNotEmpty(ClientError):
    code = "BucketNotEmpty"
    status = 409

    def __init__(self, bucket: str) -> None:
        super().__init__(message="The bucket you tried to delete is not empty", BucketName=bucket)


class InvalidLocationConstraint(ClientError):
    code = "InvalidLocationConstraint"

    def __init__(self, constraint: str) -> None:
        super().__init__(
            message="The specified location-constraint is not valid",
            LocationConstraint=constraint,
        )


class IllegalLocationConstraint(ClientError):
    code = "IllegalLocationConstraintException"

    def __init__(self, constraint: str | None) -> None:
        what = "unspecified" if constraint is None else constraint
        super().__init__(
            message=f"The {what} location constraint is incompatible for the region specific "
            "endpoint this request was sent to."
        )


class InvalidRange(ClientError):
    code = "InvalidRange"
    status = 416

    def __init__(self, requested: str, size: int) -> None:
        super().__init__(
            message="The requested range is not satisfiable",
            RangeRequested=requested,
            ActualObjectSize=str(size),
        )


class PreconditionFailed(ClientError):
    code = "PreconditionFailed"
    status = 412

    def __init__(self, condition: str) -> None:
        super().__init__(
            message="At least one of the pre-conditions you specified did not hold",
            Condition=condition,
        )


class NotModified(ServiceError):
    """Not a failure, but it leaves the same way: a status and no body."""

    code = "NotModified"
    status = 304

    def __init__(self) -> None:
        super().__init__(message="Not Modified")


def access_denied() -> AccessDenied:
    return AccessDenied(message="Access Denied")
