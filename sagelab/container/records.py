"""Splitting an input object into records and packing them into requests (contracts §2.5).

A request is a run of consecutive records of one object: `SingleRecord` sends each alone,
`MultiRecord` as many as fit under MaxPayloadInMB. Records are numbered from 1 in the object
(for Line: its non-blank lines), so a failure can name the one that broke.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from sagelab.algorithms.io.recordio import RecordIOError, frame, read_records


class RecordFault(Exception):
    """Record `record` (1-based) of the object cannot be transformed."""

    def __init__(self, record: int, problem: str) -> None:
        super().__init__(problem)
        self.record = record


@dataclass(frozen=True)
class Batch:
    first: int  # index of its first record (0-based)
    count: int
    body: bytes


def split(data: bytes, split_type: str) -> list[bytes]:
    """The object's records: lines without their newline, whole RecordIO frames, or itself."""
    if split_type == "Line":
        return [line for line in data.split(b"\n") if line.strip()]
    if split_type == "RecordIO":
        try:
            return [frame(payload) for payload in read_records(io.BytesIO(data))]
        except RecordIOError as err:
            raise RecordFault(err.record, str(err)) from None
    return [data]


def join(records: list[bytes], split_type: str) -> bytes:
    """One request body: Line records one per line, others back to back."""
    if split_type == "Line":
        return b"\n".join(records) + b"\n"
    return b"".join(records)


def _too_large(record: int, limit: int) -> RecordFault:
    return RecordFault(record, f"the record is larger than MaxPayloadInMB ({limit >> 20} MB)")


def pack(records: list[bytes], split_type: str, limit: int, single: bool) -> Iterator[Batch]:
    """Consecutive records under `limit` bytes per request (one each when `single`)."""
    start, size = 0, 0
    separator = 1 if split_type == "Line" else 0
    for i, record in enumerate(records):
        cost = len(record) + separator
        if cost > limit:
            raise _too_large(i + 1, limit)
        if i > start and (single or size + cost > limit):
            yield Batch(start, i - start, join(records[start:i], split_type))
            start, size = i, 0
        size += cost
    if start < len(records):
        yield Batch(start, len(records) - start, join(records[start:], split_type))


def pack_lines(data: bytes, limit: int) -> Iterator[Batch]:
    """MultiRecord over Line records, cut straight from the object's bytes: as `pack`, without
    a Python object per line (the hot path of a large CSV). `first` counts lines, blank or
    not, so it equals the record index only where the object has no blank lines; failures are
    located with `split` instead."""
    start, line = 0, 0
    while start < len(data):
        end = min(start + limit, len(data))
        if end < len(data):
            cut = data.rfind(b"\n", start, end)
            if cut < 0:
                raise _too_large(line + 1, limit)
            end = cut + 1
        body = data[start:end]
        count = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
        if body.strip():
            yield Batch(line, count, body)
        start, line = end, line + count
