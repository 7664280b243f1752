"""Pure pieces of the transform agent: JSONPath filters, record splitting and packing, joins."""

from __future__ import annotations

import pytest

from sagelab.algorithms.io.recordio import frame
from sagelab.container.joins import Processing, split_response
from sagelab.container.jsonpath import FilterError, JsonPathError, compile_path
from sagelab.container.records import RecordFault, pack, pack_lines, split


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("$", [1, 2], [1, 2]),
        ("$[1:]", ["id", "a", "b"], ["a", "b"]),
        ("$[0,-1]", ["id", "a", "b"], ["id", "b"]),
        ("$[-1]", [1, 2, 3], 3),
        ("$[2:5]", list(range(8)), [2, 3, 4]),
        ("$.features", {"features": [1], "id": 3}, [1]),
        ("$['id','x']", {"id": 3, "x": 4, "y": 5}, [3, 4]),
        ("$.a.b[0]", {"a": {"b": [7, 8]}}, 7),
        ("$[*]", [1, 2], [1, 2]),
    ],
)
def test_jsonpath_subset(path: str, value: object, expected: object) -> None:
    assert compile_path(path)(value) == expected


def test_jsonpath_refuses_unsupported_syntax_and_missing_members() -> None:
    with pytest.raises(JsonPathError):
        compile_path("features")
    with pytest.raises(JsonPathError):
        compile_path("$..deep")
    with pytest.raises(FilterError):
        compile_path("$.missing")({"id": 1})


def test_multi_record_packs_under_the_limit_and_single_sends_one_each() -> None:
    records = [b"x" * 9] * 10  # 10 bytes each with the newline
    multi = list(pack(records, "Line", 35, single=False))
    assert [b.count for b in multi] == [3, 3, 3, 1]
    assert multi[1].first == 3 and multi[1].body == b"xxxxxxxxx\n" * 3
    assert [b.count for b in pack(records, "Line", 35, single=True)] == [1] * 10
    with pytest.raises(RecordFault) as fault:
        list(pack([b"a", b"b" * 50], "Line", 20, single=False))
    assert fault.value.record == 2


def test_pack_lines_cuts_at_newlines_as_pack_does() -> None:
    data = b"".join(b"%08d\n" % i for i in range(10))  # 9 bytes a line
    batches = list(pack_lines(data, 30))
    assert [b.count for b in batches] == [3, 3, 3, 1]
    assert b"".join(b.body for b in batches) == data


def test_split_lines_and_recordio() -> None:
    assert split(b"a\n\nb\n", "Line") == [b"a", b"b"]
    framed = frame(b"one") + frame(b"second")
    assert split(framed, "RecordIO") == [frame(b"one"), frame(b"second")]
    with pytest.raises(RecordFault):
        split(b"garbage!", "RecordIO")


def test_responses_split_per_record() -> None:
    assert split_response(b'{"predictions":[{"score":1},{"score":2}]}', "application/json", 2) == [
        b'{"score":1}',
        b'{"score":2}',
    ]
    assert split_response(b"1\n2\n", "text/csv", 2) == [b"1", b"2"]
    with pytest.raises(ValueError):
        split_response(b"1\n", "text/csv", 2)


def test_joins_csv_json_objects_and_other_json() -> None:
    csv_join = Processing({"JoinSource": "Input", "OutputFilter": "$[0,-1]"}, "text/csv")
    assert csv_join.combine(b"7,1.5,2.5", b'{"score":0.25}') == b"7,0.25"
    assert Processing({"InputFilter": "$[1:]"}, "text/csv").filter_input(b"7,1.5,2.5") == b"1.5,2.5"
    json_join = Processing({"JoinSource": "Input"}, "application/jsonlines")
    assert (
        json_join.combine(b'{"id":1}', b'{"score":2}') == b'{"id":1,"SageMakerOutput":{"score":2}}'
    )
    assert json_join.combine(b"[1,2]", b"3") == b'{"SageMakerInput":[1,2],"SageMakerOutput":3}'
