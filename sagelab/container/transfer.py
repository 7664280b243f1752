"""Moving files to and from S3 with the job's boto3 client.

Small objects go in one request each: s3transfer's managed transfers start thread pools,
which costs more than a small model or data file takes to send. Large uploads (where one
PUT would not do) still use the managed multipart upload.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_SINGLE_PUT_MAX = 256 * 1024 * 1024
_CHUNK = 1 << 20


def download(s3: Any, bucket: str, key: str, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
    with dest.open("wb") as out:
        for chunk in body.iter_chunks(_CHUNK):
            out.write(chunk)


def upload(s3: Any, path: Path, bucket: str, key: str) -> None:
    if path.stat().st_size > _SINGLE_PUT_MAX:
        s3.upload_file(str(path), bucket, key)
        return
    with path.open("rb") as body:
        s3.put_object(Bucket=bucket, Key=key, Body=body)
