"""RecordIO framing (MXNet/dmlc), as Pipe mode's RecordWrapperType=RecordIO wraps records."""

from __future__ import annotations

import struct

MAGIC = 0xCED7230A


def frame(payload: bytes) -> bytes:
    """One record: magic, length (both uint32 little-endian), payload, zero padding to 4."""
    return struct.pack("<II", MAGIC, len(payload)) + payload + b"\0" * (-len(payload) % 4)
