"""RecordIO-protobuf: byte-compatible with the SageMaker SDK's writers, readable by its reader."""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
import scipy.sparse as sp
from sagemaker.amazon.common import (
    read_records,
    write_numpy_to_dense_tensor,
    write_spmatrix_to_sparse_tensor,
)

from sagelab.algorithms.io import recordio, recordio_protobuf
from sagelab.algorithms.io.batches import ContentType, read_file


def _ours_and_sdks(writer, sdk_writer, matrix, labels):
    ours, theirs = io.BytesIO(), io.BytesIO()
    writer(ours, matrix, labels)
    sdk_writer(theirs, matrix, labels)
    return ours.getvalue(), theirs.getvalue()


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_dense_writer_matches_the_sdk_byte_for_byte(dtype):
    x = (np.random.default_rng(1).random((7, 5)) * 100).astype(dtype)
    y = np.arange(7).astype(dtype)
    ours, theirs = _ours_and_sdks(recordio_protobuf.write_dense, write_numpy_to_dense_tensor, x, y)
    assert ours == theirs


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sparse_writer_matches_the_sdk_byte_for_byte(dtype):
    x = sp.random(6, 40, density=0.1, random_state=3, format="csr", dtype=dtype)
    y = np.ones(6, dtype="float32")
    ours, theirs = _ours_and_sdks(recordio_protobuf.write_sparse,
                                  write_spmatrix_to_sparse_tensor, x, y)
    assert ours == theirs


def test_writer_rejects_what_the_sdk_rejects():
    with pytest.raises(ValueError, match="Unsupported dtype"):
        recordio_protobuf.write_dense(io.BytesIO(), np.zeros((2, 2), dtype="int32"))
    with pytest.raises(ValueError, match="Label shape"):
        recordio_protobuf.write_dense(io.BytesIO(), np.zeros((2, 2), "float32"), np.zeros(3))


def test_sdk_written_dense_and_sparse_files_read_back_as_the_same_matrix(tmp_path):
    x = sp.random(9, 12, density=0.3, random_state=5, format="csr", dtype="float32")
    y = np.arange(9, dtype="float32")
    with (tmp_path / "sparse.pbr").open("wb") as f:
        write_spmatrix_to_sparse_tensor(f, x, y)
    with (tmp_path / "dense.pbr").open("wb") as f:
        write_numpy_to_dense_tensor(f, x.toarray(), y)
    content = ContentType.parse(None, "application/x-recordio-protobuf")
    for name in ("sparse.pbr", "dense.pbr"):
        (batch,) = read_file(tmp_path / name, name, content, None)
        np.testing.assert_array_equal(batch.features, x.toarray())
        np.testing.assert_array_equal(batch.labels, y)


def test_inference_answers_parse_with_the_sdk_reader():
    body = recordio_protobuf.encode_labels([{"score": 0.25, "predicted_label": 1},
                                            {"score": [0.1, 0.9], "predicted_label": 1}])
    records = read_records(io.BytesIO(body))
    assert [list(r.label["score"].float32_tensor.values) for r in records] == [
        [0.25], pytest.approx([0.1, 0.9])]
    assert records[1].label["predicted_label"].float32_tensor.values[0] == 1.0


def test_split_records_are_joined_with_the_magic_put_back():
    whole = b"abcd" + struct.pack("<I", recordio.MAGIC) + b"efgh"
    parts = [(1, b"abcd"), (3, b"efgh")]
    framed = b"".join(
        struct.pack("<II", recordio.MAGIC, (flag << 29) | len(p)) + p for flag, p in parts)
    assert list(recordio.read_records(io.BytesIO(framed))) == [whole]


def test_a_wrong_magic_names_the_record():
    data = recordio.frame(b"ok") + b"\x00" * 8
    with pytest.raises(recordio.RecordIOError, match="magic") as caught:
        list(recordio.read_records(io.BytesIO(data)))
    assert caught.value.record == 2


def test_pipe_record_wrapper_frames_whole_objects(tmp_path):
    """`RecordWrapperType=RecordIO`: each S3 object arrives inside one RecordIO frame."""
    x = np.arange(12, dtype="float32").reshape(4, 3)
    objects = [b"1,0,1,2\n2,3,4,5\n", b"3,6,7,8\n4,9,10,11\n"]
    (tmp_path / "train_0").write_bytes(b"".join(recordio.frame(o) for o in objects))
    content = ContentType.parse("text/csv", "text/csv")
    blocks = list(read_file(tmp_path / "train_0", "train_0", content, None, wrapped=True))
    np.testing.assert_array_equal(np.concatenate([b.features for b in blocks]), x)
    np.testing.assert_array_equal(np.concatenate([b.labels for b in blocks]), [1, 2, 3, 4])
