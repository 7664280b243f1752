"""`aialgs.data.Record` (reference/algorithms.md §1.2-1.3), read into numpy and written
byte-for-byte as `sagemaker.amazon.common.write_numpy_to_dense_tensor` /
`write_spmatrix_to_sparse_tensor` write it.

The message classes are built at import from a descriptor written here, in a private pool
(the SageMaker SDK registers the same file in the default pool when both are imported).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, BinaryIO, Protocol

import numpy as np
import numpy.typing as npt
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import DecodeError

from sagelab.algorithms.io.recordio import frame

FloatArray = npt.NDArray[np.float32]
_F = descriptor_pb2.FieldDescriptorProto


def _tensor(file: descriptor_pb2.FileDescriptorProto, name: str, value_type: int) -> None:
    msg = file.message_type.add(name=name)
    for number, (field, kind) in enumerate(
        [("values", value_type), ("keys", _F.TYPE_UINT64), ("shape", _F.TYPE_UINT64)], 1
    ):
        spec = msg.field.add(name=field, number=number, type=kind, label=_F.LABEL_REPEATED)
        spec.options.packed = True


def _map(record: descriptor_pb2.DescriptorProto, field: str, entry: str, number: int) -> None:
    nested = record.nested_type.add(name=entry)
    nested.options.map_entry = True
    nested.field.add(name="key", number=1, type=_F.TYPE_STRING, label=_F.LABEL_OPTIONAL)
    nested.field.add(
        name="value", number=2, type=_F.TYPE_MESSAGE, label=_F.LABEL_OPTIONAL,
        type_name=".aialgs.data.Value",
    )
    record.field.add(
        name=field, number=number, type=_F.TYPE_MESSAGE, label=_F.LABEL_REPEATED,
        type_name=f".aialgs.data.Record.{entry}",
    )


def _file() -> descriptor_pb2.FileDescriptorProto:
    file = descriptor_pb2.FileDescriptorProto(
        name="sagelab/aialgs_record.proto", package="aialgs.data", syntax="proto2"
    )
    _tensor(file, "Float32Tensor", _F.TYPE_FLOAT)
    _tensor(file, "Float64Tensor", _F.TYPE_DOUBLE)
    _tensor(file, "Int32Tensor", _F.TYPE_INT32)
    raw = file.message_type.add(name="Bytes")
    raw.field.add(name="value", number=1, type=_F.TYPE_BYTES, label=_F.LABEL_REPEATED)
    raw.field.add(name="content_type", number=2, type=_F.TYPE_STRING, label=_F.LABEL_OPTIONAL)
    value = file.message_type.add(name="Value")
    value.oneof_decl.add(name="value")
    for name, number, type_name in [
        ("float32_tensor", 2, "Float32Tensor"), ("float64_tensor", 3, "Float64Tensor"),
        ("int32_tensor", 7, "Int32Tensor"), ("bytes", 9, "Bytes"),
    ]:
        value.field.add(
            name=name, number=number, type=_F.TYPE_MESSAGE, label=_F.LABEL_OPTIONAL,
            type_name=f".aialgs.data.{type_name}", oneof_index=0,
        )
    record = file.message_type.add(name="Record")
    _map(record, "features", "FeaturesEntry", 1)
    _map(record, "label", "LabelEntry", 2)
    for name, number in [("uid", 3), ("metadata", 4), ("configuration", 5)]:
        record.field.add(name=name, number=number, type=_F.TYPE_STRING, label=_F.LABEL_OPTIONAL)
    return file


_POOL = descriptor_pool.DescriptorPool()
_POOL.Add(_file())
Record: Any = message_factory.GetMessageClass(
    _POOL.FindMessageTypeByName("aialgs.data.Record")
)
_TENSOR_FOR_DTYPE = {
    np.dtype(np.float32): "float32_tensor",
    np.dtype(np.float64): "float64_tensor",
    np.dtype(np.int64): "int32_tensor",  # the SDK's rule: numpy's default int goes as Int32
}


class RecordFormatError(ValueError):
    pass


class CSRMatrix(Protocol):
    """What the sparse writer needs of a `scipy.sparse.csr_matrix` (no scipy import here)."""

    indptr: npt.NDArray[Any]
    indices: npt.NDArray[Any]
    data: npt.NDArray[Any]
    shape: tuple[int, int]


def parse(payload: bytes) -> Any:
    record = Record()
    try:
        record.ParseFromString(payload)
    except DecodeError as exc:
        raise RecordFormatError(f"not an aialgs.data.Record protobuf ({exc})") from None
    return record


def tensor_values(value: Any, width: int | None) -> FloatArray:
    """A `Value`'s tensor as a float32 vector; sparse ones scattered into `width` (or their
    `shape`'s last dimension)."""
    kind = value.WhichOneof("value")
    if kind is None or kind == "bytes":
        raise RecordFormatError(f"expected a numeric tensor, found {kind or 'an empty value'}")
    tensor = getattr(value, kind)
    values = np.asarray(tensor.values, dtype=np.float32)
    # sparse = has keys; an all-zero sparse row has none, only its shape
    if not len(tensor.keys) and (len(values) or not len(tensor.shape)):
        return values
    size = width if width is not None else (int(tensor.shape[-1]) if len(tensor.shape) else 0)
    keys = np.asarray(tensor.keys, dtype=np.int64)
    if len(keys) != len(values):
        raise RecordFormatError(f"sparse tensor has {len(keys)} keys for {len(values)} values")
    if len(keys) and (keys.max() >= size):
        raise RecordFormatError(f"sparse key {int(keys.max())} is outside feature_dim {size}")
    dense = np.zeros(size, dtype=np.float32)
    dense[keys] = values
    return dense


def features(record: Any, width: int | None) -> FloatArray:
    if "values" not in record.features:
        raise RecordFormatError("record has no features['values'] tensor")
    return tensor_values(record.features["values"], width)


def label(record: Any) -> float | None:
    if "values" not in record.label:
        return None
    values = tensor_values(record.label["values"], None)
    if not len(values):
        raise RecordFormatError("label['values'] is empty")
    return float(values[0])


def _tensor_name(dtype: np.dtype[Any]) -> str:
    try:
        return _TENSOR_FOR_DTYPE[dtype]
    except KeyError:
        raise ValueError(f"Unsupported dtype {dtype} on array") from None


def _set_label(record: Any, name: str, scalar: Any) -> None:
    getattr(record.label["values"], name).values.append(scalar)


def _check_labels(shape: tuple[int, ...], labels: npt.NDArray[Any] | None) -> str | None:
    if len(shape) != 2:
        raise ValueError("Array must be a Matrix")
    if labels is None:
        return None
    if labels.ndim != 1:
        raise ValueError("Labels must be a Vector")
    if labels.shape[0] not in shape:
        raise ValueError(f"Label shape {labels.shape} not compatible with array shape {shape}")
    return _tensor_name(labels.dtype)


def write_dense(
    stream: BinaryIO, array: npt.NDArray[Any], labels: npt.NDArray[Any] | None = None
) -> None:
    label_kind = _check_labels(array.shape, labels)
    kind = _tensor_name(array.dtype)
    for index, row in enumerate(array):
        record = Record()
        getattr(record.features["values"], kind).values.extend(row.tolist())
        if labels is not None and label_kind is not None:
            _set_label(record, label_kind, labels[index].item())
        stream.write(frame(record.SerializeToString()))


def write_sparse(
    stream: BinaryIO, matrix: CSRMatrix, labels: npt.NDArray[Any] | None = None
) -> None:
    label_kind = _check_labels(matrix.shape, labels)
    kind = _tensor_name(matrix.data.dtype)
    for index in range(matrix.shape[0]):
        lo, hi = int(matrix.indptr[index]), int(matrix.indptr[index + 1])
        record = Record()
        tensor = getattr(record.features["values"], kind)
        tensor.values.extend(matrix.data[lo:hi].tolist())
        tensor.keys.extend(matrix.indices[lo:hi].astype(np.uint64).tolist())
        if labels is not None and label_kind is not None:
            _set_label(record, label_kind, labels[index].item())
        tensor.shape.append(matrix.shape[1])
        stream.write(frame(record.SerializeToString()))


def encode_labels(rows: Iterable[Mapping[str, float | Sequence[float]]]) -> bytes:
    """Inference answers: one framed Record per row, results as float32 `label[<name>]`."""
    out = bytearray()
    for row in rows:
        record = Record()
        for name, value in row.items():
            values = value if isinstance(value, Sequence) else [value]
            record.label[name].float32_tensor.values.extend(float(v) for v in values)
        out += frame(record.SerializeToString())
    return bytes(out)
