"""MXNet/dmlc RecordIO framing (reference/algorithms.md §1.1): magic, length, payload, padding."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import BinaryIO

MAGIC = 0xCED7230A
_MAGIC_BYTES = struct.pack("<I", MAGIC)
_HEADER = struct.Struct("<II")
_LENGTH_MASK = (1 << 29) - 1
_WHOLE, _START, _MIDDLE, _END = 0, 1, 2, 3


class RecordIOError(ValueError):
    """Framing is broken; `record` is the 1-based record where it was found."""

    def __init__(self, record: int, problem: str) -> None:
        super().__init__(problem)
        self.record = record


def read_records(stream: BinaryIO) -> Iterator[bytes]:
    """Payloads in order; split records (cflag 1…3) are joined, as dmlc does, by putting back
    the magic word their writer cut them at."""
    parts: list[bytes] = []
    count = 0
    while True:
        header = stream.read(_HEADER.size)
        if not header:
            break
        count += 1
        if len(header) < _HEADER.size:
            raise RecordIOError(count, "truncated RecordIO header")
        magic, lrecord = _HEADER.unpack(header)
        if magic != MAGIC:
            raise RecordIOError(count, f"invalid RecordIO magic 0x{magic:08X}")
        size, cflag = lrecord & _LENGTH_MASK, lrecord >> 29
        payload = stream.read(size)
        if len(payload) < size:
            raise RecordIOError(count, f"truncated record: {len(payload)} of {size} bytes")
        stream.read(-size % 4)
        if cflag == _WHOLE:
            yield payload
        elif cflag in (_START, _MIDDLE):
            parts.append(payload)
        else:
            yield _MAGIC_BYTES.join([*parts, payload])
            parts = []
    if parts:
        raise RecordIOError(count, "stream ends inside a split record")


def frame(payload: bytes) -> bytes:
    """One whole record (cflag 0), padded to 4 bytes, as the SageMaker SDK writes it."""
    return _HEADER.pack(MAGIC, len(payload)) + payload + b"\0" * (-len(payload) % 4)


def write_record(stream: BinaryIO, payload: bytes) -> None:
    stream.write(frame(payload))
