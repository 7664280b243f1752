"""Fetching a model's artifact as its execution role: `ModelDataUrl` (a .tar.gz) extracted
into the container's model folder, as SageMaker fills `/opt/ml/model` before `serve`."""

from __future__ import annotations

import tarfile
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from sagelab.container import s3uri, transfer
from sagelab.container.errors import ClientFault


def fetch(s3: Any, url: str, dest: Path) -> None:
    archive = dest.with_suffix(".tar.gz")
    bucket, key = s3uri.split(url)
    try:
        transfer.download(s3, bucket, key, archive)
    except ClientError as err:
        code = err.response.get("Error", {}).get("Code", "")
        raise ClientFault(
            f"Failed to download model data from {url} ({code}). Please ensure that the "
            "object exists and that the model's execution role may read it (s3:GetObject)."
        ) from err
    dest.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(dest, filter="data")
    except (tarfile.TarError, OSError) as err:
        raise ClientFault(
            f"Failed to extract model data from {url}: the object is not a .tar.gz archive ({err})."
        ) from err
    finally:
        archive.unlink(missing_ok=True)
