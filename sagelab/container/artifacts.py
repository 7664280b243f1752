"""What a job leaves behind: `model/` → `<S3OutputPath>/<job>/output/model.tar.gz`,
`output/data/` → `…/output.tar.gz`, and checkpoints synced with `CheckpointConfig.S3Uri`."""

from __future__ import annotations

import tarfile
import tempfile
from pathlib import Path
from typing import Any

from sagelab.container import s3uri, transfer


def model_uri(output_path: str, job_name: str) -> str:
    return s3uri.join(output_path, job_name, "output", "model.tar.gz")


def _tar_gz(folder: Path, dest: Path) -> None:
    with tarfile.open(dest, "w:gz") as tar:
        for path in sorted(folder.rglob("*")):
            tar.add(path, arcname=str(path.relative_to(folder)), recursive=False)


def upload_folder_tar(s3: Any, folder: Path, uri: str) -> None:
    """The folder's contents as a .tar.gz at `uri` (an empty folder gives an empty archive,
    as SageMaker still uploads model.tar.gz for a model that wrote nothing)."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive.tar.gz"
        _tar_gz(folder, archive)
        bucket, key = s3uri.split(uri)
        transfer.upload(s3, archive, bucket, key)


def restore_checkpoints(s3: Any, uri: str, local: Path) -> None:
    bucket, prefix = s3uri.split(uri.rstrip("/") + "/")
    local.mkdir(parents=True, exist_ok=True)
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            relative = item["Key"][len(prefix) :]
            if relative and not relative.endswith("/") and ".." not in relative.split("/"):
                transfer.download(s3, bucket, item["Key"], local / relative)


def save_checkpoints(s3: Any, local: Path, uri: str) -> None:
    bucket, prefix = s3uri.split(uri.rstrip("/") + "/")
    for path in sorted(local.rglob("*")):
        if path.is_file():
            transfer.upload(s3, path, bucket, prefix + str(path.relative_to(local)))
