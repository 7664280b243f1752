"""Headerless numeric CSV, label columns first (reference/algorithms.md §1.5), read in blocks
so that a file of any size streams in bounded memory.

Blocks of whole lines are parsed by pyarrow's CSV reader (C++, several threads), which is
exact: numbers are read as float64 and rounded to float32, as `np.loadtxt` does. Anything it
does not take cleanly (a blank-but-spaced line, a bad cell, a ragged row, NaN) sends that
block down the line-by-line path, which decides, so what is accepted and every error message
(which line, which cell) stay those of the line-by-line reader.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator, Sequence
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]  # no stubs
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]

FloatArray = npt.NDArray[np.float32]
_CHUNK_BYTES = 1 << 22  # parsed at once: ~50k rows of 20 features, a few MiB in memory
_ARROW_BLOCK = 1 << 19  # arrow's unit of work per thread inside a chunk
# Arrow swaps in its own SIGINT/SIGTERM handlers around each read to cancel it; that races
# with the platform's SIGTERM (StopTrainingJob), which must reach Python's handler as is.
pa.enable_signal_handlers(False)
_FIRST_LINE = re.compile(rb"[^\r\n][^\n]*")
_PARSE = pa_csv.ParseOptions(delimiter=",", quote_char=False, double_quote=False,
                             escape_char=False, newlines_in_values=False,
                             ignore_empty_lines=True)


class CSVFormatError(ValueError):
    def __init__(self, record: int, problem: str) -> None:
        super().__init__(problem)
        self.record = record


def parse_rows(lines: list[str], first_record: int, width: int | None) -> FloatArray:
    """`lines` (non-empty, no blank ones) as a float32 matrix; `width` = expected columns.
    `first_record` numbers the first line, for error messages."""
    return _parse_numbered(list(enumerate(lines, first_record)), width)


def _parse_numbered(numbered: Sequence[tuple[int, str]], width: int | None) -> FloatArray:
    """(line number, text) pairs, none blank, as a float32 matrix."""
    lines = [line for _, line in numbered]
    try:
        rows = np.loadtxt(lines, delimiter=",", dtype=np.float32, ndmin=2, comments=None)
    except ValueError:
        raise _locate(numbered, width) from None
    if width is not None and rows.shape[1] != width:
        raise _locate(numbered, width)
    if not np.isfinite(rows).all():
        bad = int(np.argwhere(~np.isfinite(rows))[0][0])
        raise CSVFormatError(numbered[bad][0], "value is not a finite number")
    return rows


def _locate(numbered: Sequence[tuple[int, str]], width: int | None) -> CSVFormatError:
    """The first line that breaks the block, and why (slow path: errors only)."""
    expected = width
    for number, line in numbered:
        cells = line.split(",")
        if expected is None:
            expected = len(cells)
        if len(cells) != expected:
            return CSVFormatError(number, f"expected {expected} columns, found {len(cells)}")
        for cell in cells:
            try:
                float(cell)
            except ValueError:
                return CSVFormatError(number, f"{cell.strip()!r} is not a number")
    return CSVFormatError(numbered[0][0], "unparseable CSV")


def _chunks(stream: BinaryIO, size: int) -> Iterator[bytes]:
    """The stream in pieces of about `size` bytes, each ending at a line end (the last one
    ends where the stream does)."""
    carry = b""
    while True:
        piece = stream.read(size)
        if not piece:
            break
        data = carry + piece if carry else piece
        cut = data.rfind(b"\n") + 1
        if cut:
            yield data[:cut]
        carry = data[cut:]
    if carry:
        yield carry


def _line_count(chunk: bytes) -> int:
    """Lines in `chunk` as Python's universal newlines count them (\\n, \\r\\n or \\r)."""
    ends = chunk.count(b"\n")
    if b"\r" in chunk:  # rare: the two-byte count is the slow one
        ends += chunk.count(b"\r") - chunk.count(b"\r\n")
    return ends + (not chunk.endswith((b"\n", b"\r")))


def _float64s(column: pa.Array) -> npt.NDArray[np.float64]:
    """A float64 column's values, read from its buffer. Not `to_numpy()`: that imports pandas
    lazily inside a handler that swallows any exception, StopTrainingJob's included."""
    assert column.type == pa.float64() and column.null_count == 0
    data = column.buffers()[1]
    return np.frombuffer(data, np.float64, count=len(column), offset=column.offset * 8)


def _fast(chunk: bytes, width: int | None) -> FloatArray | None:
    """The chunk's rows via arrow, or None when arrow cannot vouch for them."""
    if chunk.startswith(codecs.BOM_UTF8):  # arrow would skip it; the line reader refuses it
        return None
    if width is None:  # the first non-blank line's
        head = _FIRST_LINE.search(chunk)
        width = head.group().count(b",") + 1 if head else 1
    names = [f"f{j}" for j in range(width)]
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(chunk),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=_ARROW_BLOCK),
            parse_options=_PARSE,
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.float64()), null_values=[],
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    rows = np.empty((table.num_rows, width), np.float32)
    start = 0
    for batch in table.to_batches():
        for j, column in enumerate(batch.columns):
            rows[start:start + batch.num_rows, j] = _float64s(column)
        start += batch.num_rows
    return rows if np.isfinite(rows).all() else None


def _slow(chunk: bytes, first_line: int, width: int | None) -> FloatArray | None:
    """Line by line: the reader that decides what is valid. None when all lines are blank."""
    lines = io.StringIO(chunk.decode("utf-8"), newline="")
    numbered = [(n, line) for n, line in enumerate(lines, first_line) if line.strip()]
    return _parse_numbered(numbered, width) if numbered else None


def read_blocks(stream: BinaryIO, width: int | None = None,
                chunk_bytes: int = _CHUNK_BYTES) -> Iterator[FloatArray]:
    """Blocks of rows, blank lines skipped. The width of the first row fixes the width of
    all when `width` is None. Raises `CSVFormatError` numbering lines from 1, and
    `UnicodeDecodeError` for bytes that are not UTF-8."""
    line = 1
    for chunk in _chunks(stream, chunk_bytes):
        rows = _fast(chunk, width)
        if rows is None or not len(rows):
            rows = _slow(chunk, line, width)
        line += _line_count(chunk)
        if rows is not None:
            width = rows.shape[1]
            yield rows
