"""The inference payloads every first-party algorithm shares (reference/algorithms.md §1.5):
requests in CSV, JSON, JSON Lines or RecordIO-protobuf → a float32 feature matrix; results
(one dict per row) → JSON (`{"<key>": [...]}`), JSON Lines or RecordIO-protobuf.

Problems with a request raise `InvocationError` with the HTTP status to answer.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from sagelab.algorithms.errors import InvocationError
from sagelab.algorithms.io import csv, recordio_protobuf
from sagelab.algorithms.io.recordio import RecordIOError, read_records

FloatArray = npt.NDArray[np.float32]
CSV = "text/csv"
JSON = "application/json"
JSONLINES = "application/jsonlines"
RECORDIO = "application/x-recordio-protobuf"
RESPONSE_TYPES = (JSON, JSONLINES, RECORDIO)


def _media(value: str) -> tuple[str, dict[str, str]]:
    media, *params = value.split(";")
    pairs = (p.partition("=") for p in params)
    return media.strip().lower(), {k.strip().lower(): v.strip() for k, _, v in pairs}


def _check_width(rows: FloatArray, feature_dim: int) -> FloatArray:
    if rows.shape[1] != feature_dim:
        raise InvocationError(
            f"Invalid number of features: the model expects {feature_dim} features per record,"
            f" the request has {rows.shape[1]}")
    return rows


def _from_csv(body: bytes, params: Mapping[str, str], feature_dim: int) -> FloatArray:
    label_size = int(params.get("label_size", "0") or 0)
    try:
        lines = [line for line in body.decode("utf-8").splitlines() if line.strip()]
        rows = csv.parse_rows(lines, 1, None) if lines else np.empty((0, 0), np.float32)
    except UnicodeDecodeError:
        raise InvocationError("Unable to parse the CSV payload: it is not UTF-8 text") from None
    except csv.CSVFormatError as exc:
        raise InvocationError(
            f"Unable to parse the CSV payload: line {exc.record}: {exc}") from None
    return _check_width(rows[:, label_size:], feature_dim)


def _instance_features(instance: Any, feature_dim: int) -> list[float]:
    """`{"features": [...]}` or `{"data": {"features": {"values", "keys"?, "shape"?}}}`."""
    if not isinstance(instance, dict):
        raise InvocationError("Each instance must be a JSON object with 'features' or 'data'")
    if "features" in instance:
        return list(instance["features"])
    tensor = instance.get("data", {}).get("features")
    if not isinstance(tensor, dict) or "values" not in tensor:
        raise InvocationError("Each instance needs 'features' or 'data': {'features': {'values'}}")
    if "keys" not in tensor:
        return list(tensor["values"])
    dense = [0.0] * feature_dim
    for key, value in zip(tensor["keys"], tensor["values"], strict=True):
        if not 0 <= int(key) < feature_dim:
            raise InvocationError(f"Sparse key {key} is outside the model's {feature_dim} features")
        dense[int(key)] = float(value)
    return dense


def _matrix(instances: Sequence[Any], feature_dim: int) -> FloatArray:
    try:
        rows = [_instance_features(i, feature_dim) for i in instances]
        matrix = np.asarray(rows, dtype=np.float32).reshape(len(rows), -1)
    except (TypeError, ValueError) as exc:
        raise InvocationError(f"Unable to parse the instances: {exc}") from None
    return _check_width(matrix, feature_dim) if len(rows) else matrix.reshape(0, feature_dim)


def _from_json(body: bytes, feature_dim: int) -> FloatArray:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvocationError(f"Unable to parse the JSON payload: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("instances"), list):
        raise InvocationError('The JSON payload must be {"instances": [...]}')
    return _matrix(document["instances"], feature_dim)


def _from_jsonlines(body: bytes, feature_dim: int) -> FloatArray:
    try:
        instances = [json.loads(line) for line in body.splitlines() if line.strip()]
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvocationError(f"Unable to parse the JSON Lines payload: {exc}") from None
    return _matrix(instances, feature_dim)


def _from_recordio(body: bytes, feature_dim: int) -> FloatArray:
    rows = []
    try:
        for payload in read_records(io.BytesIO(body)):
            record = recordio_protobuf.parse(payload)
            rows.append(recordio_protobuf.features(record, feature_dim))
    except (RecordIOError, recordio_protobuf.RecordFormatError) as exc:
        raise InvocationError(f"Unable to parse the RecordIO-protobuf payload: {exc}") from None
    if not rows:
        return np.empty((0, feature_dim), np.float32)
    if any(len(r) != feature_dim for r in rows):
        width = next(len(r) for r in rows if len(r) != feature_dim)
        return _check_width(np.empty((0, width), np.float32), feature_dim)
    return np.stack(rows)


def read_features(body: bytes, content_type: str, feature_dim: int) -> FloatArray:
    """The request's rows as `[rows, feature_dim]` float32."""
    media, params = _media(content_type or CSV)
    if media == CSV:
        return _from_csv(body, params, feature_dim)
    if media == JSON:
        return _from_json(body, feature_dim)
    if media in (JSONLINES, "application/json-lines", "application/x-jsonlines"):
        return _from_jsonlines(body, feature_dim)
    if media == RECORDIO:
        return _from_recordio(body, feature_dim)
    raise InvocationError(
        f"Content type {content_type!r} is not supported; use {CSV}, {JSON}, {JSONLINES} "
        f"or {RECORDIO}", status=415)


def response_type(accept: str, supported: Sequence[str] = RESPONSE_TYPES,
                  default: str = JSON) -> str:
    """The first acceptable type; `*/*` or nothing → `default` (first-party behaviour)."""
    for candidate in (accept or "*/*").split(","):
        media, _ = _media(candidate)
        if media in ("*/*", "application/*", ""):
            return default
        if media in supported:
            return media
    raise InvocationError(
        f"Accept type {accept!r} is not supported; use one of {list(supported)}", status=406)


def write_results(rows: Sequence[Mapping[str, Any]], media: str, key: str = "predictions"
                  ) -> bytes:
    if media == JSON:
        return json.dumps({key: list(rows)}).encode()
    if media == JSONLINES:
        return json_lines(rows).encode()
    return recordio_protobuf.encode_labels(rows)


_SEAM = "}, {"


def json_lines(rows: Sequence[Mapping[str, Any]]) -> str:
    """One JSON object per line, as `json.dumps` writes each. The list is encoded in one call
    (C work; a `dumps` call per row was half of a million-line batch transform) and cut at
    its rows' seams, which is only sound when no row contains a seam itself: then there are
    exactly len(rows) - 1 of them."""
    try:
        whole = json.dumps(list(rows))
    except TypeError:  # rows that are Mappings but not dicts
        whole = None
    if whole is not None and whole.count(_SEAM) == max(len(rows) - 1, 0):
        body = whole[1:-1].replace(_SEAM, "}\n{")
        return body + "\n" if body else ""
    return "".join(json.dumps(dict(row)) + "\n" for row in rows)
