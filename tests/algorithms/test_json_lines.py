"""JSON Lines answers are encoded in one call and cut at the rows' seams; whatever the rows
hold (strings with the seam in them, nested objects, unicode, nothing), each line must be
what `json.dumps` writes for its row."""

from __future__ import annotations

import json
from collections import OrderedDict
from types import MappingProxyType
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sagelab.algorithms.serving import json_lines

_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.sampled_from(["}, {", '"}, {"', "{", "}", "\n"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=8,
)
_rows = st.lists(st.dictionaries(st.text(max_size=6), _values, max_size=4), max_size=12)


def _expected(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(dict(row)) + "\n" for row in rows)


@given(_rows)
def test_each_line_is_its_row(rows: list[dict[str, Any]]) -> None:
    assert json_lines(rows) == _expected(rows)


def test_plain_scores_are_cut_at_their_seams() -> None:
    rows = [{"score": i / 7, "predicted_label": i % 2} for i in range(1000)]
    text = json_lines(rows)
    assert text == _expected(rows)
    assert [json.loads(line) for line in text.splitlines()] == rows


def test_rows_that_are_not_dicts() -> None:
    rows = [MappingProxyType({"score": 1.5}), OrderedDict(score=2.0)]
    assert json_lines(rows) == '{"score": 1.5}\n{"score": 2.0}\n'
    assert json_lines([]) == ""
