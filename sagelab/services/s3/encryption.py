"""Default bucket encryption: stored and reported. Bytes are not encrypted at rest by
sagelab (its blob store is local or the operator's own), but objects report the algorithm."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from sagelab.gateway.codec.rest_xml import malformed_xml
from sagelab.services.s3.bucket_config import config_of
from sagelab.services.s3.config_errors import invalid_argument

SECTION = "encryption"
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
    return config


def default_algorithm(conn: Connection, bucket: str) -> str | None:
    """The SSEAlgorithm objects written to `bucket` report, or None."""
    config = config_of(conn, bucket).get(SECTION)
    if not config:
        return None
    algorithm: str = config["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"]
    return algorithm
