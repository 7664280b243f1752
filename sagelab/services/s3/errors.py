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


class KeyTooLong(ClientError):
    code = "KeyTooLongError"

    def __init__(self, size: int) -> None:
        super().__init__(message="Your key is too long", MaxSizeAllowed="1024", Size=str(size))


class DeleteMarkerHere(ClientError):
    """A GET or HEAD reached a delete marker: 404 for the latest version, 405 by version id;
    either way S3 says so in `x-amz-delete-marker`."""

    def __init__(self, key: str, version_id: str, *, by_version: bool) -> None:
        headers = {"x-amz-delete-marker": "true", "x-amz-version-id": version_id}
        if by_version:
            super().__init__(
                "MethodNotAllowed",
                "The specified method is not allowed against this resource.",
                405,
                headers=headers,
                Method="GET",
                ResourceType="DeleteMarker",
            )
        else:
            super().__init__(
                "NoSuchKey", "The specified key does not exist.", 404, headers=headers, Key=key
            )


class NoSuchUpload(ClientError):
    code = "NoSuchUpload"
    status = 404

    def __init__(self, upload_id: str) -> None:
        super().__init__(
            message="The specified upload does not exist. The upload ID may be invalid, or the "
            "upload may have been aborted or completed.",
            UploadId=upload_id,
        )


class InvalidPart(ClientError):
    code = "InvalidPart"

    def __init__(self, upload_id: str, part_number: int, etag: str) -> None:
        super().__init__(
            message="One or more of the specified parts could not be found.  The part may not "
            "have been uploaded, or the specified entity tag may not match the part's entity tag.",
            UploadId=upload_id,
            PartNumber=str(part_number),
            ETag=etag,
        )


class InvalidPartOrder(ClientError):
    code = "InvalidPartOrder"

    def __init__(self, upload_id: str) -> None:
        super().__init__(
            message="The list of parts was not in ascending order. Parts must be ordered by "
            "part number.",
            UploadId=upload_id,
        )


class EntityTooSmall(ClientError):
    code = "EntityTooSmall"

    def __init__(self, size: int, minimum: int, part_number: int | None = None) -> None:
        super().__init__(
            message="Your proposed upload is smaller than the minimum allowed size",
            ProposedSize=str(size),
            MinSizeAllowed=str(minimum),
        )
        if part_number is not None:
            self.fields["PartNumber"] = str(part_number)


class EntityTooLarge(ClientError):
    code = "EntityTooLarge"

    def __init__(self, size: int, maximum: int) -> None:
        super().__init__(
            message="Your proposed upload exceeds the maximum allowed size",
            ProposedSize=str(size),
            MaxSizeAllowed=str(maximum),
        )


class InvalidArgument(ClientError):
    code = "InvalidArgument"

    def __init__(self, message: str, name: str, value: str | None) -> None:
        super().__init__(message=message, ArgumentName=name, ArgumentValue=value)


class InvalidRequest(ClientError):
    code = "InvalidRequest"


class InvalidTag(ClientError):
    code = "InvalidTag"


class MalformedXML(ClientError):
    code = "MalformedXML"

    def __init__(self) -> None:
        super().__init__(
            message="The XML you provided was not well-formed or did not validate against our "
            "published schema"
        )


def access_denied() -> AccessDenied:
    return AccessDenied(message="Access Denied")


class InvalidPartNumber(ClientError):
    code = "InvalidPartNumber"
    status = 416

    def __init__(self, requested: int, count: int) -> None:
        super().__init__(
            message="The requested partnumber is not satisfiable",
            PartNumberRequested=str(requested),
            ActualPartCount=str(count),
        )


class ConditionalRequestConflict(ClientError):
    """A conditional write whose condition held when it began, but not once its bytes were in:
    another write of the key committed meanwhile."""

    code = "ConditionalRequestConflict"
    status = 409

    def __init__(self, key: str) -> None:
        super().__init__(
            message="A conflicting conditional operation is currently in progress against this "
            "resource. Please try again.",
            Key=key,
        )


class BadDigest(ClientError):
    code = "BadDigest"

    def __init__(self, algorithm: str) -> None:
        super().__init__(
            message=f"The {algorithm} you specified did not match the calculated checksum."
        )


class AccessControlListNotSupported(ClientError):
    code = "AccessControlListNotSupported"

    def __init__(self) -> None:
        super().__init__(message="The bucket does not allow ACLs")


class InvalidBucketAclWithObjectOwnership(ClientError):
    code = "InvalidBucketAclWithObjectOwnership"

    def __init__(self) -> None:
        super().__init__(
            message="Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"
        )
