"""Putting channel data where the algorithm reads it: files under `input/data/<channel>/`
(File, FastFile), or a local cache that `pipe` streams into FIFOs each epoch (Pipe)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from sagelab.container import channels, transfer
from sagelab.container.channels import Channel
from sagelab.container.errors import ClientFault


def _download(s3: Any, channel: Channel, obj: channels.S3Object, dest: Path) -> None:
    try:
        transfer.download(s3, obj.bucket, obj.key, dest)
    except ClientError as err:
        raise channels.denied(channel, obj.uri, err) from err


def stage_files(s3: Any, channel: Channel, folder: Path, host: int, hosts: int) -> list[Path]:
    """Download this host's objects of `channel` under `folder`; answer the files in order."""
    if channel.source["S3DataType"] == "AugmentedManifestFile":
        if channel.input_mode != "Pipe":
            raise ClientFault(
                f"Channel '{channel.name}': AugmentedManifestFile is supported only with "
                "the Pipe input mode."
            )
        return _stage_records(s3, channel, folder, host, hosts)
    files = []
    for obj in channels.objects(s3, channel, host, hosts):
        dest = folder / channels.local_path(obj)
        _download(s3, channel, obj, dest)
        files.append(dest)
    return files


def _stage_records(s3: Any, channel: Channel, folder: Path, host: int, hosts: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for number, record in enumerate(channels.augmented_records(s3, channel, host, hosts)):
        path = folder / f"record-{number:08d}"
        path.write_bytes(record)
        files.append(path)
    if not files:
        raise ClientFault(f"The augmented manifest of channel '{channel.name}' has no records.")
    return files
