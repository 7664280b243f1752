"""The objects a transform job reads: every object under an S3 prefix, or those a manifest
names, each with the path its output is named after (`<relative>.out`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sagelab.container import s3uri
from sagelab.container.errors import ClientFault


@dataclass(frozen=True)
class InputObject:
    bucket: str
    key: str
    relative: str  # the key after the input prefix (or after its folder, for part of a name)


def _relative(key: str, prefix: str) -> str:
    """`a/x.csv` for key `in/a/x.csv` under `in` or `in/`; `x.csv` for `in/x.csv` under
    itself or under `in/x`."""
    rest = key[len(prefix) :]
    if prefix.endswith("/") or rest.startswith("/"):
        return rest.lstrip("/")
    return key[key.rfind("/", 0, len(prefix)) + 1 :]


def _under_prefix(s3: Any, uri: str) -> Iterator[InputObject]:
    bucket, prefix = s3uri.split(uri)
    found = False
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            if not item["Key"].endswith("/"):
                found = True
                yield InputObject(bucket, item["Key"], _relative(item["Key"], prefix))
    if not found:
        raise ClientFault(f"No objects found under S3 prefix {uri}")


def _from_manifest(s3: Any, uri: str) -> Iterator[InputObject]:
    bucket, key = s3uri.split(uri)
    try:
        entries = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        base_bucket, base = s3uri.split(entries[0]["prefix"])
        names = [str(e) for e in entries[1:]]
    except (ValueError, KeyError, IndexError, TypeError) as err:
        raise ClientFault(f"The manifest {uri} is not a valid manifest file: {err}") from None
    for name in names:
        yield InputObject(base_bucket, base + name, name)


def list_inputs(s3: Any, data_type: str, uri: str) -> Iterator[InputObject]:
    if data_type == "ManifestFile":
        return _from_manifest(s3, uri)
    return _under_prefix(s3, uri)
