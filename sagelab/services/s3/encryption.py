"""Server-side encryption as S3 has applied it to every object since 2023: SSE-S3 (`AES256`)
by default. Objects and bucket defaults report it, and a request may ask for it by name.
sagelab does not encrypt the bytes at rest (its blob store is the operator's own disk or
store), which is said here rather than hidden: what it offers is S3's wire contract. SSE-KMS
needs a key service sagelab does not have, so asking for it answers 501.
"""

from __future__ import annotations

from typing import Any

from sagelab.gateway.codec.rest_xml import malformed_xml
from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.s3.config_errors import invalid_argument

SECTION = "encryption"
SSE_S3 = "AES256"
# What S3 reports for a bucket nobody configured, and what DeleteBucketEncryption restores.
DEFAULT_CONFIG: dict[str, Any] = {
    "Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": SSE_S3}, "BucketKeyEnabled": False}
    ]
}
# Every object's output members: each one is SSE-S3, the only kind sagelab accepts.
REPORTED: dict[str, str] = {"ServerSideEncryption": SSE_S3}
_KMS = ("aws:kms", "aws:kms:dsse")


def check_config(config: dict[str, Any]) -> dict[str, Any]:
    """The configuration as stored: exactly one rule, a KMS key only with a KMS algorithm."""
    rules = config.get("Rules", [])
    if len(rules) != 1:
        raise malformed_xml()
    default = rules[0].get("ApplyServerSideEncryptionByDefault")
    if default is None:
        raise malformed_xml()
    if default.get("KMSMasterKeyID") and default["SSEAlgorithm"] not in _KMS:
        raise invalid_argument(
            "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms "
            "or aws:kms:dsse",
            "ApplyServerSideEncryptionByDefault",
        )
    check_requested(default["SSEAlgorithm"])
    return config


def check_requested(algorithm: str | None) -> None:
    """A write's `x-amz-server-side-encryption`: absent or AES256."""
    if algorithm is not None and algorithm != SSE_S3:
        raise NotImplementedByUs(
            message=f"Server-side encryption {algorithm} is not implemented by sagelab: "
            f"only {SSE_S3} (SSE-S3)"
        )
