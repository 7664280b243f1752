"""XGBoost's channels → `xgboost.DMatrix` (reference/algorithms.md §3.4): CSV (label first,
optional weight second), libsvm (the default when a channel names no content type), parquet
(label first) and RecordIO-protobuf. CSV and RecordIO go through the shared readers."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]  # no stubs
import xgboost

from sagelab.algorithms import serving
from sagelab.algorithms.contract import TrainingEnv
from sagelab.algorithms.errors import DataError, InvocationError, UserError
from sagelab.algorithms.io.batches import (
    CSV,
    RECORDIO_PROTOBUF,
    ContentType,
    open_binary,
    read_batches,
)
from sagelab.algorithms.xgboost_builtin.hyperparameters import Config

FloatArray = npt.NDArray[np.float32]
LIBSVM = "text/libsvm"
PARQUET = "application/x-parquet"
_ALIASES = {
    "text/csv": CSV, "csv": CSV,
    "text/libsvm": LIBSVM, "text/x-libsvm": LIBSVM, "libsvm": LIBSVM,
    "application/x-parquet": PARQUET, "parquet": PARQUET,
    "application/x-recordio-protobuf": RECORDIO_PROTOBUF, "recordio-protobuf": RECORDIO_PROTOBUF,
}
_READ_ROWS = 1 << 16  # rows per shared-reader batch: only the whole channel is kept


def media_of(content_type: str | None) -> tuple[str, dict[str, str]]:
    """The canonical media type and its parameters; libsvm when none is given."""
    media, *params = (content_type or LIBSVM).split(";")
    canonical = _ALIASES.get(media.strip().lower())
    if canonical is None:
        raise UserError(
            f"Content type {content_type!r} is not supported by XGBoost; use text/csv, "
            "text/libsvm, application/x-parquet or application/x-recordio-protobuf")
    pairs = (p.partition("=") for p in params)
    return canonical, {k.strip().lower(): v.strip() for k, _, v in pairs}


def parse_libsvm(lines: Sequence[str], source: str, labelled: bool = True
                 ) -> tuple[sp.csr_matrix, FloatArray, FloatArray | None]:
    """`<label>[:<weight>] <index>:<value> …` lines → (features, labels, weights or None).
    Indices are column numbers as written, as the library's own parser reads them.
    Unlabelled lines (inference) hold only the pairs."""
    labels: list[float] = []
    weights: list[float] = []
    indptr, indices, values = [0], [], []
    try:
        for number, line in enumerate(lines, 1):  # noqa: B007 (named in the error)
            head, *pairs = line.split() if labelled else ["0", *line.split()]
            label, _, weight = head.partition(":")
            labels.append(float(label))
            weights.append(float(weight) if weight else 1.0)
            for pair in pairs:
                index, _, value = pair.partition(":")
                indices.append(int(index))
                values.append(float(value))
            indptr.append(len(indices))
    except ValueError as exc:
        raise DataError(source, number, f"not a libsvm line ({exc})") from None
    width = max(indices, default=-1) + 1
    matrix = sp.csr_matrix((np.asarray(values, np.float32), indices, indptr),
                           shape=(len(labels), width))
    has_weights = labelled and any(":" in line.split(maxsplit=1)[0] for line in lines)
    weight_array = np.asarray(weights, np.float32) if has_weights else None
    return matrix, np.asarray(labels, np.float32), weight_array


def _libsvm(files: Sequence[tuple[str, Path]]) -> xgboost.DMatrix:
    parts = []
    for name, path in files:
        with open_binary(path) as stream:
            text = io.TextIOWrapper(stream, encoding="utf-8")
            lines = [line for line in text if line.strip()]
        if lines:
            parts.append(parse_libsvm(lines, name))
    if not parts:
        raise UserError("No libsvm records found")
    width = max(m.shape[1] for m, _, _ in parts)
    matrix = sp.vstack([sp.csr_matrix(m, shape=(m.shape[0], width)) for m, _, _ in parts])
    labels = np.concatenate([labels for _, labels, _ in parts])
    weights = [w if w is not None else np.ones(len(lab), np.float32) for _, lab, w in parts]
    weighted = any(w is not None for _, _, w in parts)
    return xgboost.DMatrix(matrix, label=labels,
                           weight=np.concatenate(weights) if weighted else None)


def _parquet(files: Sequence[tuple[str, Path]]) -> xgboost.DMatrix:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]  # no stubs

    tables = []
    for name, path in files:
        try:
            tables.append(pq.read_table(path).to_pandas().to_numpy(np.float32))
        except Exception as exc:  # pyarrow raises many types for a file that is not parquet
            raise DataError(name, 1, f"not a parquet file ({exc})") from None
    rows = np.concatenate(tables)
    return xgboost.DMatrix(rows[:, 1:], label=rows[:, 0])


def _dense(files: Sequence[tuple[str, Path]], content: ContentType, weighted: bool,
           wrapped: bool) -> xgboost.DMatrix:
    features, labels = [], []
    for batch in read_batches(files, content, _READ_ROWS, None, wrapped):
        if batch.labels is None:
            raise UserError("XGBoost trains on labelled records; a record has no label")
        features.append(batch.features)
        labels.append(batch.labels)
    if not features:
        raise UserError("No records found")
    matrix = np.concatenate(features)
    label = np.concatenate(labels)
    if weighted:  # csv_weights=1: the column after the label is the instance weight
        return xgboost.DMatrix(matrix[:, 1:], label=label, weight=matrix[:, 0])
    return xgboost.DMatrix(matrix, label=label)


def load_channel(env: TrainingEnv, name: str, config: Config) -> xgboost.DMatrix:
    channel = env.channels.get(name)
    media, params = media_of(channel.content_type if channel else None)
    files = env.channel_pass(name)
    wrapped = channel is not None and channel.record_wrapper == "RecordIO"
    if media == CSV:
        if params.get("label_size", "1") != "1":
            raise UserError(f"Channel '{name}': XGBoost needs label_size=1 for text/csv, "
                            f"got label_size={params['label_size']}")
        dmatrix = _dense(files, ContentType(CSV, 1), bool(config.values["csv_weights"]), wrapped)
    elif media == RECORDIO_PROTOBUF:
        dmatrix = _dense(files, ContentType(RECORDIO_PROTOBUF, 1), False, wrapped)
    elif media == LIBSVM:
        dmatrix = _libsvm(files)
    else:
        dmatrix = _parquet(files)
    check_labels(dmatrix.get_label(), config, name)
    return dmatrix


def check_labels(labels: FloatArray, config: Config, channel: str) -> None:
    objective, num_class = config.objective, config.num_class
    if objective.startswith("binary:") and not np.isin(labels, (0, 1)).all():
        bad = labels[~np.isin(labels, (0, 1))][0]
        raise UserError(f"Channel '{channel}': label {bad:g} is invalid; objective "
                        f"{objective} needs labels in [0, 1]")
    if objective.startswith("multi:") and num_class is not None:
        valid = (labels >= 0) & (labels < num_class) & (labels == np.round(labels))
        if not valid.all():
            raise UserError(f"Channel '{channel}': label {labels[~valid][0]:g} is invalid; "
                            f"objective {objective} needs labels in [0, {num_class})")


def _request_libsvm(body: bytes, features: int) -> xgboost.DMatrix:
    try:
        lines = [line for line in body.decode("utf-8").splitlines() if line.strip()]
        # Labels are optional in a request: a first token holding ':' is a feature.
        labelled = bool(lines) and ":" not in lines[0].split(maxsplit=1)[0]
        matrix, _, _ = parse_libsvm(lines, "request", labelled)
    except (UnicodeDecodeError, DataError) as exc:
        raise InvocationError(f"Unable to parse the libsvm payload: {exc}") from None
    if matrix.shape[1] > features:
        raise InvocationError(f"Feature index {matrix.shape[1] - 1} is outside the model's "
                              f"{features} features")
    return xgboost.DMatrix(sp.csr_matrix(matrix, shape=(matrix.shape[0], features)))


def request_matrix(body: bytes, content_type: str, features: int) -> xgboost.DMatrix:
    """An inference request → a DMatrix of `features` columns."""
    try:
        media, _ = media_of(content_type or CSV)
    except UserError:
        media = ""
    if media in (CSV, RECORDIO_PROTOBUF):
        return xgboost.DMatrix(serving.read_features(body, content_type or CSV, features))
    if media == LIBSVM:
        return _request_libsvm(body, features)
    raise InvocationError(
        f"Content type {content_type!r} is not supported; use text/csv, text/libsvm or "
        "application/x-recordio-protobuf", status=415)
