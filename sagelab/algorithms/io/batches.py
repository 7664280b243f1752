"""One streaming mini-batch iterator over a channel's files, whatever their content type.

Files may be gzip-compressed (detected by their magic bytes, so Pipe-mode FIFOs work too).
Any unreadable record stops the job with a `DataError` naming the file and the record.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from sagelab.algorithms.errors import DataError, UserError
from sagelab.algorithms.io import csv, recordio_protobuf
from sagelab.algorithms.io.recordio import RecordIOError, read_records

FloatArray = npt.NDArray[np.float32]
RECORDIO_PROTOBUF = "application/x-recordio-protobuf"
CSV = "text/csv"
_GZIP_MAGIC = b"\x1f\x8b"
_BLOCK_ROWS = 4096  # RecordIO records stacked at once: amortises numpy, small in memory


@dataclass(frozen=True)
class Batch:
    features: FloatArray  # [rows, feature_dim]
    labels: FloatArray | None  # [rows]; None when the data has no label

    def __len__(self) -> int:
        return len(self.features)


@dataclass(frozen=True)
class ContentType:
    media: str
    label_size: int

    @classmethod
    def parse(cls, value: str | None, default: str, label_size: int = 1) -> ContentType:
        """`text/csv;label_size=0` → (text/csv, 0). Unknown media types are the user's error."""
        media, *params = (value or default).split(";")
        media = media.strip().lower()
        for param in params:
            key, _, number = param.partition("=")
            if key.strip().lower() == "label_size":
                label_size = _label_size(number.strip())
        if media in ("application/x-recordio-protobuf", "application/x-recordio"):
            media = RECORDIO_PROTOBUF
        if media not in (RECORDIO_PROTOBUF, CSV):
            raise UserError(
                f"Content type {value!r} is not supported; use {RECORDIO_PROTOBUF} or {CSV}"
            )
        return cls(media, label_size)


def _label_size(text: str) -> int:
    if not text.isdigit() or int(text) > 1:
        raise UserError(f"label_size={text!r} is not supported: use label_size=0 or 1")
    return int(text)


@contextmanager
def open_binary(path: Path) -> Iterator[BinaryIO]:
    with path.open("rb") as raw:
        buffered = io.BufferedReader(raw, 1 << 20)
        if buffered.peek(2)[:2] == _GZIP_MAGIC:
            with gzip.GzipFile(fileobj=buffered) as unzipped:
                yield io.BufferedReader(unzipped, 1 << 20)
        else:
            yield buffered


def _csv_blocks(
    stream: BinaryIO, name: str, content: ContentType, width: int | None
) -> Iterator[Batch]:
    columns = None if width is None else width + content.label_size
    try:
        for rows in csv.read_blocks(stream, columns):
            labels = rows[:, 0].copy() if content.label_size else None
            yield Batch(rows[:, content.label_size :], labels)
    except csv.CSVFormatError as exc:
        raise DataError(name, exc.record, str(exc)) from None
    except UnicodeDecodeError as exc:
        raise DataError(name, 1, f"not UTF-8 text ({exc.reason})") from None


def _recordio_blocks(stream: BinaryIO, name: str, width: int | None) -> Iterator[Batch]:
    rows: list[FloatArray] = []
    labels: list[float] = []
    count = 0
    try:
        for count, payload in enumerate(read_records(stream), 1):  # noqa: B007
            record = recordio_protobuf.parse(payload)
            row = recordio_protobuf.features(record, width)
            if width is not None and len(row) != width:
                raise recordio_protobuf.RecordFormatError(
                    f"expected {width} features, found {len(row)}"
                )
            width = len(row)
            label = recordio_protobuf.label(record)
            rows.append(row)
            labels.append(np.nan if label is None else label)
            if len(rows) == _BLOCK_ROWS:
                yield _stack(rows, labels)
                rows, labels = [], []
    except RecordIOError as exc:
        raise DataError(name, exc.record, str(exc)) from None
    except recordio_protobuf.RecordFormatError as exc:
        raise DataError(name, count, str(exc)) from None
    if rows:
        yield _stack(rows, labels)


def _stack(rows: list[FloatArray], labels: list[float]) -> Batch:
    label_array = np.asarray(labels, dtype=np.float32)
    return Batch(np.stack(rows), None if np.isnan(label_array).all() else label_array)


def _blocks(stream: BinaryIO, name: str, content: ContentType, width: int | None
            ) -> Iterator[Batch]:
    if content.media == CSV:
        return _csv_blocks(stream, name, content, width)
    return _recordio_blocks(stream, name, width)


def read_file(path: Path, name: str, content: ContentType, width: int | None,
              wrapped: bool = False) -> Iterator[Batch]:
    """Blocks of rows from one file; `name` is how errors call it. `wrapped`: Pipe mode's
    `RecordWrapperType=RecordIO`, each S3 object inside one RecordIO frame."""
    with open_binary(path) as stream:
        if not wrapped:
            yield from _blocks(stream, name, content, width)
            return
        try:
            for number, payload in enumerate(read_records(stream), 1):
                for block in _blocks(io.BytesIO(payload), f"{name} object {number}", content,
                                     width):
                    width = block.features.shape[1]
                    yield block
        except RecordIOError as exc:
            raise DataError(name, exc.record, str(exc)) from None


def rebatch(blocks: Iterator[Batch], size: int) -> Iterator[Batch]:
    """Blocks of any length → batches of exactly `size` rows (the last may be shorter).
    Batches inside a block are views of it; only a batch straddling blocks is copied."""
    pending: list[Batch] = []
    held = 0
    for block in blocks:
        while len(block):
            take = min(size - held, len(block))
            pending.append(_rows(block, 0, take))
            held += take
            block = _rows(block, take, len(block))
            if held == size:
                yield _concat(pending)
                pending, held = [], 0
    if held:
        yield _concat(pending)


def _rows(batch: Batch, start: int, stop: int) -> Batch:
    labels = None if batch.labels is None else batch.labels[start:stop]
    return Batch(batch.features[start:stop], labels)


def _concat(parts: list[Batch]) -> Batch:
    if len(parts) == 1:
        return parts[0]
    labels = [p.labels for p in parts]
    return Batch(
        np.concatenate([p.features for p in parts]),
        None if any(x is None for x in labels) else np.concatenate(labels),  # type: ignore[arg-type]
    )


def read_batches(
    files: Sequence[tuple[str, Path]], content: ContentType, batch_size: int, width: int | None,
    wrapped: bool = False,
) -> Iterator[Batch]:
    """Mini-batches over `(name, path)` files in order; `width` None = the first record's."""

    def blocks() -> Iterator[Batch]:
        nonlocal width
        for name, path in files:
            for block in read_file(path, name, content, width, wrapped):
                width = block.features.shape[1]
                yield block

    return rebatch(blocks(), batch_size)
