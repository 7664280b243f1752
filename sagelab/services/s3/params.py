"""Request parameters S3 operations share: refusals for what sagelab does not build, and the
body of an upload as the domain takes it."""

from __future__ import annotations

from typing import Any

from sagelab.gateway.checksums import ChecksumReader
from sagelab.gateway.errors import NotImplementedByUs
from sagelab.gateway.http import BodyReader, BytesReader
from sagelab.services.s3.objects import Upload


def refuse(**params: Any) -> None:
    """501 for the first parameter given whose behaviour sagelab does not build."""
    for name, value in params.items():
        if value is not None:
            raise NotImplementedByUs(message=f"The {name} parameter is not implemented by sagelab")


def upload(body: BodyReader | bytes | None) -> Upload:
    if isinstance(body, ChecksumReader):
        return Upload(body, body.digests)
    if body is None or isinstance(body, bytes):
        return Upload(BytesReader(body or b""))
    return Upload(body)


def with_checksum(up: Upload, algorithm: str | None) -> Upload:
    """`up`, also hashed with `algorithm` when the gateway was not asked to compute it."""
    if algorithm is None or algorithm.upper() in up.digests():
        return up
    reader = ChecksumReader(up.body, [algorithm])
    return Upload(reader, lambda: up.digests() | reader.digests())
