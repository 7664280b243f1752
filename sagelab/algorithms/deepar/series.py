"""Time series as DeepAR reads them: JSON objects `{"start", "target", "cat"?,
"dynamic_feat"?}`, one per line of a training file (JSON Lines, optionally gzipped, or
Parquet with those columns) or one per inference instance (reference §3.7)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
_GZIP_MAGIC = b"\x1f\x8b"
_PARQUET_MAGIC = b"PAR1"


class SeriesFormatError(ValueError):
    """One record is not a time series; the caller says where it was."""


@dataclass(frozen=True)
class Series:
    start: np.datetime64
    target: Array  # NaN where a value is missing
    cat: tuple[int, ...]
    dynamic_feat: Array  # [features, time points]

    def __len__(self) -> int:
        return len(self.target)

    def truncated(self, drop: int) -> Series:
        """The series without its last `drop` targets (its features stay: they cover the
        points a forecast predicts)."""
        return Series(self.start, self.target[:len(self) - drop], self.cat, self.dynamic_feat)


def _start(value: Any) -> np.datetime64:
    if not isinstance(value, str):
        raise SeriesFormatError("'start' must be a string such as '2020-01-31 00:00:00'")
    try:
        return np.datetime64(value.strip().replace(" ", "T"), "s")
    except ValueError:
        raise SeriesFormatError(f"'start' {value!r} is not a timestamp") from None


def _numbers(value: Any, field: str) -> Array:
    if not isinstance(value, list):
        raise SeriesFormatError(f"'{field}' must be a list of numbers")
    try:
        return np.array([np.nan if v is None else float(v) for v in value], np.float64)
    except (TypeError, ValueError):
        raise SeriesFormatError(f"'{field}' must hold numbers, \"NaN\" or null") from None


def _cat(value: Any) -> tuple[int, ...]:
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
        raise SeriesFormatError("'cat' must list non-negative integers")
    return tuple(values)


def _dynamic(value: Any) -> Array:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise SeriesFormatError("'dynamic_feat' must be a list of lists of numbers")
    rows = [_numbers(row, "dynamic_feat") for row in value]
    if len({len(row) for row in rows}) > 1:
        raise SeriesFormatError("every 'dynamic_feat' series must have the same length")
    if any(np.isnan(row).any() for row in rows):
        raise SeriesFormatError("'dynamic_feat' must not have missing values")
    return np.stack(rows) if rows else np.empty((0, 0))


def parse(record: Any) -> Series:
    if not isinstance(record, Mapping):
        raise SeriesFormatError("a time series must be a JSON object")
    if "start" not in record or "target" not in record:
        raise SeriesFormatError("a time series needs 'start' and 'target'")
    return Series(
        _start(record["start"]),
        _numbers(record["target"], "target"),
        _cat(record["cat"]) if record.get("cat") is not None else (),
        _dynamic(record["dynamic_feat"]) if record.get("dynamic_feat") is not None
        else np.empty((0, 0)),
    )


def _parquet_records(path: Path) -> Iterator[dict[str, Any]]:
    import pandas as pd  # type: ignore[import-untyped]  # only for Parquet files; no stubs

    frame = pd.read_parquet(path)
    for row in frame.to_dict("records"):
        yield {k: v.tolist() if hasattr(v, "tolist") else v for k, v in row.items()}


def _json_records(path: Path) -> Iterator[Any]:
    with path.open("rb") as raw:
        gzipped = raw.read(2) == _GZIP_MAGIC
    with (gzip.open(path, "rt") if gzipped else path.open()) as text:
        for line in text:
            yield json.loads(line) if line.strip() else None


def records(path: Path) -> Iterator[Any]:
    """The file's records, in order; None marks a blank line (counted, skipped)."""
    with path.open("rb") as raw:
        parquet = raw.read(4) == _PARQUET_MAGIC
    return _parquet_records(path) if parquet else _json_records(path)
