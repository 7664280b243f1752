"""Channel sources: which S3 objects feed a channel on this host, and where they land.

S3Prefix takes every key starting with the prefix string; ManifestFile names objects
relative to its `prefix` entry; AugmentedManifestFile is JSON Lines whose chosen attributes
are the records (an attribute ending in `-ref` names an object). ShardedByS3Key gives host i
of N every N-th object in key order (contracts §1.2).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from botocore.exceptions import ClientError

from sagelab.container import s3uri
from sagelab.container.errors import ClientFault


@dataclass(frozen=True)
class S3Object:
    bucket: str
    key: str
    local: str  # path under the channel folder

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


@dataclass(frozen=True)
class Channel:
    """One InputDataConfig entry, as the agent needs it."""

    name: str
    source: dict[str, Any]  # DataSource.S3DataSource
    input_mode: str  # File | Pipe (FastFile is served as File)
    compression: str
    record_wrapper: str
    content_type: str | None

    @classmethod
    def from_config(cls, entry: dict[str, Any], default_mode: str) -> Channel:
        mode = entry.get("InputMode") or default_mode
        return cls(
            name=entry["ChannelName"],
            source=entry["DataSource"]["S3DataSource"],
            input_mode="File" if mode == "FastFile" else mode,
            compression=entry.get("CompressionType", "None"),
            record_wrapper=entry.get("RecordWrapperType", "None"),
            content_type=entry.get("ContentType"),
        )

    @property
    def sharded(self) -> bool:
        return self.source.get("S3DataDistributionType") == "ShardedByS3Key"


def denied(channel: Channel, uri: str, err: ClientError) -> ClientFault:
    error = err.response.get("Error", {})
    return ClientFault(
        f"Failed to download data for channel '{channel.name}' from {uri}: "
        f"{error.get('Code', 'Error')}: {error.get('Message', str(err))}"
    )


def _read(s3: Any, channel: Channel, uri: str) -> bytes:
    bucket, key = s3uri.split(uri)
    try:
        body: bytes = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as err:
        raise denied(channel, uri, err) from err
    return body


def _under_prefix(s3: Any, channel: Channel, uri: str) -> list[S3Object]:
    bucket, prefix = s3uri.split(uri)
    # Local names are relative to the prefix's last "/" (the SDK's local mode does the same).
    base = prefix.rsplit("/", 1)[0] + "/" if "/" in prefix else ""
    found: list[S3Object] = []
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                key = item["Key"]
                if not key.endswith("/"):
                    found.append(S3Object(bucket, key, key[len(base) :]))
    except ClientError as err:
        raise denied(channel, uri, err) from err
    return found


def _from_manifest(s3: Any, channel: Channel, uri: str) -> list[S3Object]:
    try:
        entries = json.loads(_read(s3, channel, uri))
        prefix = entries[0]["prefix"]
        names = [str(e) for e in entries[1:]]
    except (ValueError, KeyError, IndexError, TypeError) as err:
        raise ClientFault(
            f"The manifest file {uri} for channel '{channel.name}' is not a valid manifest: "
            'expected [{"prefix": "s3://bucket/prefix/"}, "relative/key", ...]'
        ) from err
    bucket, key_prefix = s3uri.split(prefix)
    return [S3Object(bucket, key_prefix + name, name) for name in names]


def objects(s3: Any, channel: Channel, host: int, hosts: int) -> list[S3Object]:
    """The objects of an S3Prefix or ManifestFile channel this host gets, in key order."""
    uri = channel.source["S3Uri"]
    kind = channel.source["S3DataType"]
    found = (
        _from_manifest(s3, channel, uri)
        if kind == "ManifestFile"
        else _under_prefix(s3, channel, uri)
    )
    found.sort(key=lambda o: o.key)
    if channel.sharded:
        found = found[host::hosts]
    if not found:
        raise ClientFault(
            f'No S3 objects found under S3 URL "{uri}" given in input data source for '
            f"channel '{channel.name}'. Please ensure that the bucket exists in the selected "
            "region, that objects exist under that S3 prefix, and that the role has access."
        )
    return found


def augmented_records(s3: Any, channel: Channel, host: int, hosts: int) -> Iterator[bytes]:
    """Each chosen attribute of each manifest line, as one record's bytes."""
    uri = channel.source["S3Uri"]
    names = channel.source.get("AttributeNames") or []
    lines = [ln for ln in _read(s3, channel, uri).decode().splitlines() if ln.strip()]
    if channel.sharded:
        lines = lines[host::hosts]
    for number, line in enumerate(lines, 1):
        try:
            item = json.loads(line)
        except ValueError as err:
            raise ClientFault(
                f"Line {number} of the augmented manifest {uri} is not valid JSON"
            ) from err
        for name in names:
            if name not in item:
                raise ClientFault(
                    f"Line {number} of the augmented manifest {uri} has no attribute '{name}'"
                )
            value = item[name]
            if name.endswith("-ref"):
                yield _read(s3, channel, str(value))
            else:
                yield value.encode() if isinstance(value, str) else json.dumps(value).encode()


def local_path(obj: S3Object) -> PurePosixPath:
    """A safe relative path: no `..` or absolute parts escape the channel folder."""
    parts = [p for p in PurePosixPath(obj.local).parts if p not in ("", "/", "..", ".")]
    return PurePosixPath(*parts) if parts else PurePosixPath(PurePosixPath(obj.key).name)
