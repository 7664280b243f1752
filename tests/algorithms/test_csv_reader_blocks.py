"""The block CSV reader (arrow fast path, line-by-line fallback) accepts, rejects and numbers
lines exactly as the line-by-line reader alone does, whatever the chunk boundaries."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest

from sagelab.algorithms.io import csv
from sagelab.algorithms.io.batches import Batch, rebatch

CASES = [
    b"1,2\n3,4\n", b"1,2\r\n3,4\r\n", b"1,2\r3,4\r", b"\n\n1,2\n\n3,4", b"1,2\n  \n3,4\n",
    b"1, 2\n3 ,4\n", b"1,2\n3,x\n", b"1,2\n3\n", b"1,2\n3,4,5\n", b"1,nan\n", b"1,inf\n3,4",
    b"+1,-2\n", b"1e3,.5\n", b'"1",2\n', b"1,,2\n", b"1,2,\n", b"1_0,2\n", b"0x10,1\n",
    b"1,2\n" * 30 + b"1,a\n", b" \n\t\n", b"1;2\n", b"Infinity,1\n", b"1,2\n\r\n3,4\n",
    b"\xef\xbb\xbf1,2\n", b"1e400,2\n", b"1,2 #c\n", b"  1,2\n", b"1.5E+3,2e-3\n",
    b"0.1,0.3333333333333333\n",
]


def _line_by_line(data: bytes) -> object:
    """The reference: every line through `np.loadtxt`, numbered as a text editor numbers."""
    lines = io.StringIO(data.decode("utf-8"), newline="")
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
    try:
        return csv._parse_numbered(numbered, None) if numbered else None
    except csv.CSVFormatError as exc:
        return exc.record, str(exc)


def _blocks(data: bytes, chunk: int) -> object:
    try:
        blocks = list(csv.read_blocks(io.BytesIO(data), None, chunk))
    except csv.CSVFormatError as exc:
        return exc.record, str(exc)
    return np.concatenate(blocks) if blocks else None


@pytest.mark.parametrize("data", CASES)
@pytest.mark.parametrize("chunk", [3, 16, 1 << 20])
def test_block_reader_agrees_with_the_line_reader(data: bytes, chunk: int) -> None:
    expected, got = _line_by_line(data), _blocks(data, chunk)
    if isinstance(expected, np.ndarray):
        assert isinstance(got, np.ndarray) and got.dtype == np.float32
        np.testing.assert_array_equal(got, expected)
    else:
        assert got == expected


def test_errors_name_the_physical_line_across_chunks() -> None:
    data = b"1,2\n\n" * 5000 + b"3,oops\n"
    with pytest.raises(csv.CSVFormatError, match="'oops' is not a number") as caught:
        list(csv.read_blocks(io.BytesIO(data), None, 1024))
    assert caught.value.record == 10001


def test_invalid_utf8_is_reported() -> None:
    with pytest.raises(UnicodeDecodeError):
        list(csv.read_blocks(io.BytesIO(b"1,2\n\xff,1\n")))


def test_rebatch_cuts_exact_batches_and_copies_only_straddling_rows() -> None:
    blocks = [Batch(np.arange(n * 2, dtype=np.float32).reshape(n, 2), np.ones(n, np.float32))
              for n in (5, 3, 9)]
    out = list(rebatch(iter(blocks), 4))
    assert [len(b) for b in out] == [4, 4, 4, 4, 1]
    np.testing.assert_array_equal(np.concatenate([b.features for b in out]),
                                  np.concatenate([b.features for b in blocks]))
    assert np.shares_memory(out[0].features, blocks[0].features)  # inside one block: a view


def test_reading_does_not_import_pandas() -> None:
    """pyarrow imports pandas lazily inside a handler that swallows every exception, so a
    StopTrainingJob arriving during that import was lost; the reader must never trigger it."""
    script = (
        "import io, sys\n"
        "from sagelab.algorithms.io import csv\n"
        "blocks = list(csv.read_blocks(io.BytesIO(b'1,2\\n3,4\\n' * 1000)))\n"
        "assert sum(len(b) for b in blocks) == 2000\n"
        "print('pandas' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
