"""MXNet's NDArray file format (`NDArray::Save`, reference/algorithms.md §5.2), the artifact
K-Means and PCA leave as `model_algo-1` so `mx.ndarray.load("model_algo-1")` opens it.
Only dense, CPU arrays of the dtypes below occur; sagelab reads back what it wrote."""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

_FILE_MAGIC, _ARRAY_MAGIC = 0x112, 0xF993FAC9
_DTYPES = {0: np.float32, 1: np.float64, 4: np.int32, 6: np.int64}
_CODES = {np.dtype(v): k for k, v in _DTYPES.items()}
Arrays = Sequence[npt.NDArray[np.generic]] | Mapping[str, npt.NDArray[np.generic]]


def save(path: Path, arrays: Arrays) -> None:
    """A list (K-Means) or a name → array dict (PCA)."""
    names = list(arrays) if isinstance(arrays, Mapping) else []
    values = list(arrays.values()) if isinstance(arrays, Mapping) else list(arrays)
    out = bytearray(struct.pack("<QQQ", _FILE_MAGIC, 0, len(values)))
    for array in values:
        data = np.ascontiguousarray(array)
        out += struct.pack("<Iii", _ARRAY_MAGIC, 0, data.ndim)
        out += struct.pack(f"<{data.ndim}q", *data.shape)
        out += struct.pack("<iii", 1, 0, _CODES[data.dtype])
        out += data.astype(data.dtype.newbyteorder("<")).tobytes()
    out += struct.pack("<Q", len(names))
    for name in names:
        encoded = name.encode()
        out += struct.pack("<Q", len(encoded)) + encoded
    path.write_bytes(bytes(out))


def load(path: Path) -> tuple[list[npt.NDArray[np.generic]], list[str]]:
    """(arrays, names); names is empty for a list."""
    buf = path.read_bytes()
    magic, _, count = struct.unpack_from("<QQQ", buf, 0)
    if magic != _FILE_MAGIC:
        raise ValueError(f"{path.name} is not an MXNet NDArray file")
    pos, arrays = 24, []
    for _ in range(count):
        _, _, ndim = struct.unpack_from("<Iii", buf, pos)
        shape = struct.unpack_from(f"<{ndim}q", buf, pos + 12)
        pos += 12 + 8 * ndim
        _, _, code = struct.unpack_from("<iii", buf, pos)
        dtype = np.dtype(_DTYPES[code]).newbyteorder("<")
        size = int(np.prod(shape)) * dtype.itemsize
        arrays.append(np.frombuffer(buf, dtype, int(np.prod(shape)), pos + 12).reshape(shape))
        pos += 12 + size
    (nnames,) = struct.unpack_from("<Q", buf, pos)
    pos, names = pos + 8, []
    for _ in range(nnames):
        (length,) = struct.unpack_from("<Q", buf, pos)
        names.append(buf[pos + 8:pos + 8 + length].decode())
        pos += 8 + length
    return arrays, names
