"""Headerless numeric CSV, label columns first (reference/algorithms.md §1.5), read in blocks
so that a file of any size streams in bounded memory."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TextIO

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]


class CSVFormatError(ValueError):
    def __init__(self, record: int, problem: str) -> None:
        super().__init__(problem)
        self.record = record


def parse_rows(lines: list[str], first_record: int, width: int | None) -> FloatArray:
    """`lines` (non-empty, no blank ones) as a float32 matrix; `width` = expected columns.
    `first_record` numbers the first line, for error messages."""
    try:
        rows = np.loadtxt(lines, delimiter=",", dtype=np.float32, ndmin=2, comments=None)
    except ValueError:
        raise _locate(lines, first_record, width) from None
    if width is not None and rows.shape[1] != width:
        raise _locate(lines, first_record, width)
    if not np.isfinite(rows).all():
        bad = int(np.argwhere(~np.isfinite(rows))[0][0])
        raise CSVFormatError(first_record + bad, "value is not a finite number")
    return rows


def _locate(lines: list[str], first_record: int, width: int | None) -> CSVFormatError:
    """The first line that breaks the block, and why (slow path: errors only)."""
    expected = width
    for offset, line in enumerate(lines):
        cells = line.split(",")
        if expected is None:
            expected = len(cells)
        if len(cells) != expected:
            return CSVFormatError(
                first_record + offset, f"expected {expected} columns, found {len(cells)}"
            )
        for cell in cells:
            try:
                float(cell)
            except ValueError:
                return CSVFormatError(first_record + offset, f"{cell.strip()!r} is not a number")
    return CSVFormatError(first_record, "unparseable CSV")


def read_blocks(
    stream: TextIO, block_rows: int, width: int | None = None
) -> Iterator[tuple[int, FloatArray]]:
    """(number of the block's first record, rows) for each block of up to `block_rows`
    non-blank lines. The width of the first row fixes the width of all when `width` is None."""
    record = 1
    numbered: Iterable[tuple[int, str]] = enumerate(stream, 1)
    while True:
        chunk = list(itertools.islice(numbered, block_rows))
        if not chunk:
            return
        lines = [line for _, line in chunk if line.strip()]
        first = next((n for n, line in chunk if line.strip()), record)
        record = chunk[-1][0] + 1
        if not lines:
            continue
        rows = parse_rows(lines, first, width)
        width = rows.shape[1]
        yield first, rows
